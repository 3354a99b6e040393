package dev.rlhf4j.ppo;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import dev.rlhf4j.core.Seeds;
import dev.rlhf4j.model.Checkpoint;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.model.NoGrad;
import dev.rlhf4j.model.SeededNormal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The policy: the language model with a value head on the same trunk, {@code V(s_t) = w·h_t + b}
 * (TRL's classic {@code AutoModelForCausalLMWithValueHead}).
 *
 * <p>Why one trunk and not a separate value model: it halves the forward passes and the memory of
 * a PPO iteration, which is what lets the loop run on a 2-core, 2 GB Binder machine; the price is
 * that the value loss's gradients also move the policy's trunk, which {@code vfCoef} (0.1) keeps
 * small. InstructGPT and TRL's newer trainer use a separate value model initialised from the
 * reward model instead.
 *
 * <p>The fresh value head's initialisation is OpenAI lm-human-preferences' reward-head one, not
 * TRL's: weights N(0, σ²) with σ = 1/√(E+1) (E = {@code nEmbd}), bias 0 ({@code fc_layer} in
 * {@code lm_human_preferences/language/model.py}). OpenAI's own value head starts at exactly 0 ({@code fc_layer(..., scale=0)} for
 * {@code 'value'}), so V ≡ 0 at the first iteration. TRL v0.7–v0.11's {@code ValueHead} is
 * {@code Dropout(0.1)} then {@code nn.Linear(hidden, 1)} with PyTorch's default initialisation
 * (weight and bias U(−1/√E, 1/√E)), or N(0, 0.2²) weights and bias 0 with
 * {@code v_head_init_strategy="normal"}. Our head has no dropout (see {@link #forward}).
 */
public final class PolicyModel implements AutoCloseable {

    /** Name of the value head's weight {@code [1, E]}. */
    public static final String VALUE_WEIGHT = "v_head.weight";
    /** Name of the value head's bias {@code [1]}. */
    public static final String VALUE_BIAS = "v_head.bias";

    private final LanguageModel lm;
    private final NDManager headManager;
    private final Parameter weight;
    private final Parameter bias;

    private PolicyModel(LanguageModel lm, Map<String, NDArray> loaded, long seed) {
        this.lm = lm;
        this.headManager = lm.newWorkManager();
        int e = lm.config().nEmbd();
        Random rng = Seeds.derive(seed, "value head");
        weight = Parameter.builder().setName(VALUE_WEIGHT).setType(Parameter.Type.WEIGHT).optShape(new Shape(1, e))
                .optInitializer(new SeededNormal((float) (1 / Math.sqrt(e + 1.0)), rng)).build(); // N(0, 1/(E+1))
        bias = Parameter.builder().setName(VALUE_BIAS).setType(Parameter.Type.BIAS).optShape(new Shape(1))
                .optInitializer(Initializer.ZEROS).build();
        weight.initialize(headManager, DataType.FLOAT32);
        bias.initialize(headManager, DataType.FLOAT32);
        if (loaded != null) {
            try (NoGrad g = NoGrad.enter()) {
                weight.getArray().set(loaded.get(VALUE_WEIGHT).toFloatArray());
                bias.getArray().set(loaded.get(VALUE_BIAS).toFloatArray());
            }
        }
    }

    /**
     * A policy on {@code lm} (which it now owns) with a fresh value head: weights N(0, σ²) with
     * σ = 1/√(E+1), bias 0 (OpenAI lm-human-preferences' reward-head initialisation; see the class
     * comment for TRL's). The weights are drawn from {@code Seeds.derive(seed, "value head")}.
     */
    public static PolicyModel of(LanguageModel lm, long seed) {
        return new PolicyModel(lm, null, seed);
    }

    /** Loads a checkpoint: its value head when it has one, otherwise a fresh head. */
    public static PolicyModel load(Path dir, Device device, long seed) {
        LanguageModel lm = Checkpoint.load(dir, device);
        if (!Files.exists(dir.resolve(Checkpoint.HEADS))) {
            return of(lm, seed);
        }
        try (NDManager tmp = lm.newWorkManager()) {
            Map<String, NDArray> heads = Checkpoint.loadHeads(dir, tmp);
            if (!heads.containsKey(VALUE_WEIGHT) || !heads.containsKey(VALUE_BIAS)) {
                return new PolicyModel(lm, null, seed);
            }
            return new PolicyModel(lm, heads, seed);
        } catch (RuntimeException e) {
            lm.close();
            throw e;
        }
    }

    /** Writes the policy (a loadable language model plus its value head) to {@code dir}, atomically. */
    public void save(Path dir, Map<String, ?> info) {
        Map<String, NDArray> heads = new LinkedHashMap<>();
        heads.put(VALUE_WEIGHT, weight.getArray());
        heads.put(VALUE_BIAS, bias.getArray());
        Checkpoint.save(lm, dir, info, heads);
    }

    /**
     * Logits and values of a batch: {@code [logits [B,T,V], values [B,T]]} where values[t] = V(s_t),
     * the value of the context up to and including token t. Dropout stays off (training=false) in
     * PPO, as in OpenAI's lm-human-preferences, so a minibatch's first ratio is exactly 1.
     */
    public NDList forward(NDList inputs) {
        NDList out = lm.forward(inputs, false);
        NDArray hidden = out.get(1); // [B, T, E]
        NDArray values = hidden.mul(weight.getArray()).sum(new int[] {2}).add(bias.getArray()); // w·h_t + b, [B, T]
        return new NDList(out.get(0), values);
    }

    /**
     * {@link #forward} at some positions only: {@code [logits [N,V], values [N]]} at the flat slots
     * {@code slots [N]} of the {@code [B, T]} grid. The trunk runs over the whole batch; the LM head
     * and the value head only where asked.
     */
    public NDList forwardAt(NDList inputs, NDArray slots) {
        NDArray h = TokenForward.at(lm.hidden(inputs, false), slots); // [N, E]
        NDArray values = h.mul(weight.getArray()).sum(new int[] {1}).add(bias.getArray()); // w·h + b, [N]
        return new NDList(lm.head(h), values);
    }

    /** The value head's weight {@code [E]} and bias, copied to the host: {@code V(s) = w·h + b} for the sampler's readout. */
    float[] valueWeightOnHost() {
        return weight.getArray().toFloatArray();
    }

    float valueBiasOnHost() {
        return bias.getArray().getFloat(0);
    }

    /** The language model (the policy's trunk and LM head). */
    public LanguageModel lm() {
        return lm;
    }

    /** Every trainable parameter: the language model's and the value head's. */
    public Map<String, Parameter> parameters() {
        Map<String, Parameter> all = new LinkedHashMap<>(lm.parameters());
        all.put(VALUE_WEIGHT, weight);
        all.put(VALUE_BIAS, bias);
        return all;
    }

    /** Arrays held by the model's managers (leak checks). */
    public int resourceCount() {
        return lm.resourceCount();
    }

    @Override
    public void close() {
        headManager.close();
        lm.close();
    }
}
