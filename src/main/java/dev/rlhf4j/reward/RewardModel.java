package dev.rlhf4j.reward;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import com.google.gson.JsonObject;
import dev.rlhf4j.core.Seeds;
import dev.rlhf4j.model.Checkpoint;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.model.NoGrad;
import dev.rlhf4j.model.SeededNormal;
import dev.rlhf4j.model.TokenBatch;
import dev.rlhf4j.text.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A reward model: the GPT backbone (initialised from a pretrained checkpoint) and a scalar head on
 * the hidden state of the last non-padding token, {@code r(x, y) = w·h_last + b} (InstructGPT's RM:
 * the LM with its unembedding replaced by a projection to a scalar).
 *
 * <p>{@link #score} gives raw rewards; {@link #normalizedScore} subtracts the mean and divides by
 * the standard deviation measured over samples of the reference policy after training
 * ({@link #setNormalization}), so that PPO sees rewards of mean 0 and std 1 at its start ("The N
 * implementation details of RLHF with PPO"). A saved reward model is a checkpoint folder (it also
 * loads as a plain language model) with the head in {@code heads.safetensors} and the
 * normalisation in the config's info.
 */
public final class RewardModel implements AutoCloseable {

    /** Name of the head's weight {@code [1, E]}. */
    public static final String HEAD_WEIGHT = "score.weight";
    /** Name of the head's bias {@code [1]}. */
    public static final String HEAD_BIAS = "score.bias";

    private final LanguageModel backbone;
    private final NDManager headManager;
    private final Parameter weight;
    private final Parameter bias;
    private double mean = 0;
    private double std = 1;

    private RewardModel(LanguageModel backbone, Map<String, NDArray> loaded, Random init) {
        this.backbone = backbone;
        this.headManager = backbone.newWorkManager();
        int e = backbone.config().nEmbd();
        this.weight = Parameter.builder().setName(HEAD_WEIGHT).setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(1, e)).optInitializer(init == null ? Initializer.ZEROS : new SeededNormal((float) (1 / Math.sqrt(e + 1.0)), init))
                .build(); // N(0, 1/(E+1))
        this.bias = Parameter.builder().setName(HEAD_BIAS).setType(Parameter.Type.BIAS)
                .optShape(new Shape(1)).optInitializer(Initializer.ZEROS).build();
        weight.initialize(headManager, DataType.FLOAT32);
        bias.initialize(headManager, DataType.FLOAT32);
        if (loaded != null) {
            copyInto(weight, loaded.get(HEAD_WEIGHT));
            copyInto(bias, loaded.get(HEAD_BIAS));
        }
    }

    /**
     * A reward model on {@code backbone} (which it now owns and closes) with a fresh head:
     * weights N(0, σ²) with σ = 1/√(E+1), bias 0, as OpenAI lm-human-preferences' reward head
     * ({@code fc_layer} in {@code language/model.py}), not TRL's value head (PyTorch's default
     * {@code nn.Linear} initialisation). The weights are drawn from {@code Seeds.derive(seed, "reward head")}.
     */
    public static RewardModel fromPretrained(LanguageModel backbone, long seed) {
        return new RewardModel(backbone, null, Seeds.derive(seed, "reward head"));
    }

    /** Loads a reward model saved with {@link #save}. */
    public static RewardModel load(Path dir, Device device) {
        LanguageModel lm = Checkpoint.load(dir, device);
        try (NDManager tmp = lm.newWorkManager()) {
            Map<String, NDArray> heads = Checkpoint.loadHeads(dir, tmp);
            for (String name : List.of(HEAD_WEIGHT, HEAD_BIAS)) {
                if (!heads.containsKey(name)) {
                    throw new IllegalArgumentException(dir.resolve(Checkpoint.HEADS) + ": array '" + name
                            + "' is missing: not a reward model (found " + heads.keySet() + ")");
                }
            }
            RewardModel rm = new RewardModel(lm, heads, null);
            JsonObject info = Checkpoint.info(dir);
            if (info.has("reward_mean") && info.has("reward_std")) {
                rm.setNormalization(info.get("reward_mean").getAsDouble(), info.get("reward_std").getAsDouble());
            }
            return rm;
        } catch (RuntimeException e) {
            lm.close();
            throw e;
        }
    }

    private static void copyInto(Parameter p, NDArray src) {
        NDArray dst = p.getArray();
        if (src == null || !src.getShape().equals(dst.getShape())) {
            throw new IllegalArgumentException("reward head '" + p.getName() + "': expected shape " + dst.getShape()
                    + ", found " + (src == null ? "nothing" : src.getShape()));
        }
        try (NoGrad g = NoGrad.enter()) {
            dst.set(src.toType(DataType.FLOAT32, false).toFloatArray());
        }
    }

    /** Writes the model (backbone, head, normalisation and {@code info}) to {@code dir}, atomically. */
    public void save(Path dir, Map<String, ?> info) {
        Map<String, Object> all = new LinkedHashMap<>(info);
        all.put("kind", "reward-model");
        all.put("reward_mean", mean);
        all.put("reward_std", std);
        Map<String, NDArray> heads = new LinkedHashMap<>();
        heads.put(HEAD_WEIGHT, weight.getArray());
        heads.put(HEAD_BIAS, bias.getArray());
        Checkpoint.save(backbone, dir, all, heads);
    }

    /**
     * The token sequence scored for a completion: BOS, the prompt's tokens, the completion's tokens
     * and EOS, whose hidden state the head reads (a fixed summary position, whether or not the
     * completion itself ended). Long sequences are cut so that EOS stays last.
     */
    public int[] encode(String prompt, String completion) {
        int[] p = backbone.encodePrompt(prompt);
        int[] c = backbone.tokenizer().encode(completion);
        int n = Math.min(p.length + c.length + 1, backbone.config().contextLength());
        int[] s = new int[n];
        int fromPrompt = Math.min(p.length, n - 1);
        System.arraycopy(p, 0, s, 0, fromPrompt);
        System.arraycopy(c, 0, s, fromPrompt, n - 1 - fromPrompt);
        s[n - 1] = backbone.tokenizer().eosId();
        return s;
    }

    /**
     * Rewards of token sequences, {@code [B]}, in {@code work}'s device; gradients flow when called
     * inside a {@code GradientCollector}.
     */
    public NDArray forward(NDManager work, List<int[]> sequences, boolean training) {
        TokenBatch batch = TokenBatch.packed(sequences, backbone.tokenizer().padId(), backbone.config().nEmbd()); // short ones share rows
        int n = sequences.size();
        long[] last = new long[n];
        for (int i = 0; i < n; i++) {
            last[i] = batch.slot(i, sequences.get(i).length - 1); // where its last token is
        }
        // no LM head, and the last block's queries and MLP at each sequence's last token only: a reward reads h there
        NDArray h = backbone.hiddenAt(batch.toInputs(work), last, training); // [N, E]
        // r = w·h + b, [N]; computed as h*w summed, so every new array belongs to h's manager (a transpose
        // of w would belong to the head's manager and pile up there)
        return h.mul(weight.getArray()).sum(new int[] {1}).add(bias.getArray());
    }

    /** Raw rewards of completions of prompts, batched, without gradients. */
    public double[] score(List<String> prompts, List<String> completions) {
        if (prompts.size() != completions.size()) {
            throw new IllegalArgumentException("score: " + prompts.size() + " prompts but " + completions.size()
                    + " completions");
        }
        List<int[]> seqs = new ArrayList<>(prompts.size());
        for (int i = 0; i < prompts.size(); i++) {
            seqs.add(encode(prompts.get(i), completions.get(i)));
        }
        return scoreTokens(seqs);
    }

    /** Raw rewards of token sequences ({@link #encode}: BOS + prompt + completion + EOS), batched, without gradients. */
    public double[] scoreTokens(List<int[]> sequences) {
        double[] out = new double[sequences.size()];
        int chunk = 128;
        for (int start = 0; start < sequences.size(); start += chunk) {
            int end = Math.min(sequences.size(), start + chunk);
            try (NDManager work = backbone.newWorkManager(); NoGrad g = NoGrad.enter()) {
                float[] r = forward(work, sequences.subList(start, end), false).toFloatArray();
                for (int i = 0; i < r.length; i++) {
                    out[start + i] = r[i];
                }
            }
        }
        return out;
    }

    /** Rewards normalised to the reference policy: (r − mean) / std. */
    public double[] normalizedScore(List<String> prompts, List<String> completions) {
        return normalize(score(prompts, completions));
    }

    /** (r − mean) / std for each raw reward. */
    public double[] normalize(double[] raw) {
        double[] out = new double[raw.length];
        for (int i = 0; i < raw.length; i++) {
            out[i] = (raw[i] - mean) / std; // r̂ = (r − μ_ref) / σ_ref
        }
        return out;
    }

    /** Sets the normalisation measured over the reference policy's samples. */
    public void setNormalization(double mean, double std) {
        if (!Double.isFinite(mean) || !(std > 0) || !Double.isFinite(std)) {
            throw new IllegalArgumentException("reward normalisation: expected a finite mean and std > 0, found mean="
                    + mean + ", std=" + std);
        }
        this.mean = mean;
        this.std = std;
    }

    /** Mean of raw rewards over the reference policy's samples (0 before normalisation is set). */
    public double mean() {
        return mean;
    }

    /** Std of raw rewards over the reference policy's samples (1 before normalisation is set). */
    public double std() {
        return std;
    }

    /** Every trainable parameter: the backbone's and the head's. */
    public Map<String, Parameter> parameters() {
        Map<String, Parameter> all = new LinkedHashMap<>(backbone.parameters());
        all.put(HEAD_WEIGHT, weight);
        all.put(HEAD_BIAS, bias);
        return all;
    }

    /** The backbone language model. */
    public LanguageModel backbone() {
        return backbone;
    }

    /** The backbone's tokenizer. */
    public Tokenizer tokenizer() {
        return backbone.tokenizer();
    }

    /** Arrays held by the model's managers (leak checks). */
    public int resourceCount() {
        return backbone.resourceCount();
    }

    @Override
    public void close() {
        headManager.close();
        backbone.close();
    }
}
