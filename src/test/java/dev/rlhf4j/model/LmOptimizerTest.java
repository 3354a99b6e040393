package dev.rlhf4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.initializer.Initializer;
import dev.rlhf4j.core.Rlhf4j;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LmOptimizerTest {

    /** A NaN gradient is refused; discarding it leaves zeros, and the next finite step works. */
    @Test
    void nonFiniteGradientsCanBeDiscarded() {
        Rlhf4j.init();
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter p = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).optShape(new Shape(2, 2))
                    .optInitializer(Initializer.ONES).build();
            p.initialize(m, DataType.FLOAT32);
            LmOptimizer opt = new LmOptimizer(Map.of("w", p), 0f, 1f);
            try (NDManager step = m.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray x = step.create(new float[] {Float.NaN, 1, 2, Float.POSITIVE_INFINITY}, new Shape(2, 2));
                gc.backward(p.getArray().mul(x).sum());
            }
            assertThrows(ArithmeticException.class, () -> opt.step(0.1f));
            opt.discardGradients();
            try (NDManager check = m.newSubManager()) {
                NDArray g = p.getArray().getGradient();
                g.attach(check);
                assertArrayEquals(new float[4], g.toFloatArray());
            }
            try (NDManager step = m.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(p.getArray().mul(step.ones(new Shape(2, 2))).sum());
            }
            assertTrue(opt.step(0.1f) > 0);
            for (float w : p.getArray().toFloatArray()) {
                assertTrue(w < 1f && Float.isFinite(w), "a finite step moved the weight: " + w);
            }
        }
    }
}
