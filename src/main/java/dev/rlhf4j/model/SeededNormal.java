package dev.rlhf4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;
import java.util.Random;

/**
 * Weights drawn from N(0, σ²) by a Java generator that the model owns, instead of DJL's global one:
 * a model's initialisation then depends on its own seed only, not on what else the engine drew
 * before it (another model, a head, dropout). Parameters are initialised in their declaration order,
 * so the same seed gives the same weights.
 */
public final class SeededNormal implements Initializer {

    private final float sigma;
    private final Random rng;

    /** Draws from N(0, sigma²) with {@code rng}. */
    public SeededNormal(float sigma, Random rng) {
        if (!(sigma >= 0) || !Float.isFinite(sigma)) {
            throw new IllegalArgumentException("SeededNormal: sigma must be finite and >= 0, found " + sigma);
        }
        this.sigma = sigma;
        this.rng = rng;
    }

    @Override
    public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
        float[] values = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (rng.nextGaussian() * sigma); // w ~ N(0, σ²)
        }
        return manager.create(values, shape).toType(dataType, false);
    }
}
