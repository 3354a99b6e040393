package dev.rlhf4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.rlhf4j.core.Rlhf4j;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LmOptimizerTest {

    /** A NaN gradient is refused; discarding it leaves zeros, and the next finite step works. */
    @ParameterizedTest(name = "host step: {0}")
    @ValueSource(booleans = {true, false})
    void nonFiniteGradientsCanBeDiscarded(boolean host) {
        Rlhf4j.init();
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter p = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).optShape(new Shape(2, 2))
                    .optInitializer(Initializer.ONES).build();
            p.initialize(m, DataType.FLOAT32);
            LmOptimizer opt = new LmOptimizer(Map.of("w", p), 0f, 1f, host);
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

    /**
     * The host step and libtorch's agree on parameters larger than the host's chunk (4,096 floats),
     * with a remainder: "w" [3, 5000] (decayed, 15,000 floats) and "b" [4097]; five steps, the third
     * clipped. Weights within 1e-6 (relative to 1), the returned norms within 1e-5 of each other.
     */
    @Test
    void hostStepMatchesLibtorchsStepAcrossChunks() {
        Rlhf4j.init();
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, Parameter> host = parameters(m, new Random(11), new Shape(3, 5000), new Shape(4097));
            Map<String, Parameter> torch = parameters(m, new Random(11), new Shape(3, 5000), new Shape(4097));
            LmOptimizer onHost = new LmOptimizer(host, 0.1f, 1f, true);
            LmOptimizer inTorch = new LmOptimizer(torch, 0.1f, 1f, false);
            Random rng = new Random(12);
            for (int t = 1; t <= 5; t++) {
                Map<String, float[]> g = new LinkedHashMap<>();
                for (Map.Entry<String, Parameter> e : host.entrySet()) {
                    float[] x = new float[(int) e.getValue().getArray().size()];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = (float) (rng.nextGaussian() * (t == 3 ? 0.1 : 0.001));
                    }
                    g.put(e.getKey(), x);
                }
                setGradients(m, host, g);
                setGradients(m, torch, g);
                float a = onHost.step(0.01f);
                float b = inTorch.step(0.01f);
                assertEquals(b, a, 1e-5 * b, "norm at step " + t);
                for (String name : host.keySet()) {
                    float[] x = host.get(name).getArray().toFloatArray();
                    float[] y = torch.get(name).getArray().toFloatArray();
                    for (int i = 0; i < x.length; i++) {
                        assertEquals(y[i], x[i], 1e-6, name + "[" + i + "] after step " + t);
                    }
                }
            }
            onHost.close();
            inTorch.close();
        }
    }

    /** Parameters "w" and "b" of the given shapes (w decayed if 2-D), filled from {@code rng}. */
    static Map<String, Parameter> parameters(NDManager m, Random rng, Shape wShape, Shape bShape) {
        Map<String, Parameter> ps = new LinkedHashMap<>();
        for (String name : List.of("w", "b")) {
            Shape shape = name.equals("w") ? wShape : bShape;
            Parameter p = Parameter.builder().setName(name).setType(name.equals("w") ? Parameter.Type.WEIGHT
                    : Parameter.Type.BIAS).optShape(shape).optInitializer(Initializer.ZEROS).build();
            p.initialize(m, DataType.FLOAT32);
            float[] x = new float[(int) shape.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rng.nextGaussian() * 0.5f;
            }
            p.getArray().set(x);
            ps.put(name, p);
        }
        return ps;
    }

    /** Parameters "w" [3, 4] (decayed) and "b" [4] (not), filled from {@code rng}. */
    static Map<String, Parameter> twoParameters(NDManager m, Random rng) {
        return parameters(m, rng, new Shape(3, 4), new Shape(4));
    }

    /** Sets each parameter's gradient to {@code g} (the gradient of Σ w·g). */
    static void setGradients(NDManager m, Map<String, Parameter> ps, Map<String, float[]> g) {
        try (NDManager step = m.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray loss = null;
            for (Map.Entry<String, Parameter> e : ps.entrySet()) {
                NDArray w = e.getValue().getArray();
                NDArray term = w.mul(step.create(g.get(e.getKey()), w.getShape())).sum();
                loss = loss == null ? term : loss.add(term);
            }
            gc.backward(loss);
        }
    }

    /**
     * Six steps of the flat AdamW against the formulas of the class comment computed in double on
     * Java arrays, and against DJL's own per-parameter AdamW (what LmOptimizer used before it was
     * flat) fed the same clipped gradients: weights within 1e-6, the returned norm, the gradients
     * cleared after each step. Steps 2 and 5 have gradients large enough to be clipped. Both steps:
     * the host's (Java over the parameters' own memory, what CPU parameters get) and libtorch's.
     */
    @ParameterizedTest(name = "host step: {0}")
    @ValueSource(booleans = {true, false})
    void flatAdamWFollowsTheFormulasAndDjlsAdamW(boolean host) {
        Rlhf4j.init();
        float lr = 0.05f;
        float wd = 0.1f;
        float clip = 1f;
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, Parameter> flat = twoParameters(m, new Random(3));
            Map<String, Parameter> djl = twoParameters(m, new Random(3));
            Optimizer decay = Optimizer.adamW().optLearningRateTracker(Tracker.fixed(lr)).optBeta1(0.9f).optBeta2(0.95f)
                    .optEpsilon(1e-8f).optWeightDecays(wd).build();
            Optimizer noDecay = Optimizer.adamW().optLearningRateTracker(Tracker.fixed(lr)).optBeta1(0.9f).optBeta2(0.95f)
                    .optEpsilon(1e-8f).optWeightDecays(0f).build();
            Map<String, double[]> w = new LinkedHashMap<>();
            Map<String, double[]> mom = new LinkedHashMap<>();
            Map<String, double[]> vel = new LinkedHashMap<>();
            for (Map.Entry<String, Parameter> e : flat.entrySet()) {
                float[] x = e.getValue().getArray().toFloatArray();
                double[] d = new double[x.length];
                for (int i = 0; i < x.length; i++) {
                    d[i] = x[i];
                }
                w.put(e.getKey(), d);
                mom.put(e.getKey(), new double[x.length]);
                vel.put(e.getKey(), new double[x.length]);
            }
            LmOptimizer optimizer = new LmOptimizer(flat, wd, clip, host);
            Random rng = new Random(5);
            for (int t = 1; t <= 6; t++) {
                double scale = t == 2 || t == 5 ? 3 : 0.1;
                Map<String, float[]> g = new LinkedHashMap<>();
                double sq = 0;
                for (String name : flat.keySet()) {
                    float[] x = new float[w.get(name).length];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = (float) (rng.nextGaussian() * scale);
                        sq += (double) x[i] * x[i];
                    }
                    g.put(name, x);
                }
                double norm = Math.sqrt(sq);
                double c = norm > clip ? clip / (norm + 1e-6) : 1;
                // the reference, in double
                double stepSize = lr * Math.sqrt(1 - Math.pow(0.95, t)) / (1 - Math.pow(0.9, t));
                Map<String, float[]> clipped = new LinkedHashMap<>();
                for (String name : flat.keySet()) {
                    double[] wi = w.get(name);
                    float[] gc = new float[wi.length];
                    for (int i = 0; i < wi.length; i++) {
                        double gi = g.get(name)[i] * c;
                        gc[i] = (float) gi;
                        mom.get(name)[i] = 0.9 * mom.get(name)[i] + 0.1 * gi;
                        vel.get(name)[i] = 0.95 * vel.get(name)[i] + 0.05 * gi * gi;
                        if (name.equals("w")) {
                            wi[i] -= lr * wd * wi[i];
                        }
                        wi[i] -= stepSize * mom.get(name)[i] / (Math.sqrt(vel.get(name)[i]) + 1e-8);
                    }
                    clipped.put(name, gc);
                }
                setGradients(m, flat, g);
                assertEquals(norm, optimizer.step(lr), 1e-5 * norm, "the norm before clipping, step " + t);
                // DJL's per-parameter AdamW on the same clipped gradients
                try (NDManager step = m.newSubManager(); NoGrad off = NoGrad.enter()) {
                    for (Map.Entry<String, Parameter> e : djl.entrySet()) {
                        NDArray wa = e.getValue().getArray();
                        Optimizer o = wa.getShape().dimension() >= 2 ? decay : noDecay;
                        o.update(e.getValue().getId(), wa, step.create(clipped.get(e.getKey()), wa.getShape()));
                    }
                }
                for (String name : flat.keySet()) {
                    float[] got = flat.get(name).getArray().toFloatArray();
                    float[] theirs = djl.get(name).getArray().toFloatArray();
                    for (int i = 0; i < got.length; i++) {
                        assertEquals(w.get(name)[i], got[i], 1e-6, name + "[" + i + "] after step " + t + " (formulas)");
                        assertEquals(theirs[i], got[i], 1e-6, name + "[" + i + "] after step " + t + " (DJL's AdamW)");
                    }
                    try (NDManager check = m.newSubManager()) {
                        NDArray gr = flat.get(name).getArray().getGradient();
                        gr.attach(check);
                        assertArrayEquals(new float[got.length], gr.toFloatArray(), name + "'s gradient is cleared");
                    }
                }
            }
            assertEquals(6, optimizer.steps());
            optimizer.close();
        }
    }
}
