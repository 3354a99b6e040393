package dev.rlhf4j.grpo;

import java.util.Locale;

/**
 * TRL's {@code GRPOConfig.loss_type}: how the per-token losses ℓ_{i,t} of a batch are averaged
 * (see {@link GrpoLoss}).
 */
public enum GrpoLossType {
    /** mean_i (Σ_t ℓ_{i,t} / |o_i|): the paper's eq. 3 (Shao et al. 2024); TRL's default v0.14–0.15. */
    GRPO,
    /** Σ_{i,t} ℓ_{i,t} / Σ_i |o_i|: a token mean over the batch; TRL v0.16–0.21's default, = {@code dapo} on one process. */
    BNPO,
    /** Σ_{i,t} ℓ_{i,t} / (B · max_completion_length): Dr. GRPO (Liu et al. 2025), no length bias. */
    DR_GRPO;

    /** The type named {@code grpo}, {@code bnpo} (or {@code dapo}) or {@code dr_grpo} (any case). */
    public static GrpoLossType parse(String s) {
        if (s.equalsIgnoreCase("dapo")) {
            return BNPO; // one process, no gradient accumulation: dapo's normaliser is the batch's token count
        }
        for (GrpoLossType t : values()) {
            if (t.name().equalsIgnoreCase(s)) {
                return t;
            }
        }
        throw new IllegalArgumentException("loss_type: expected grpo, bnpo, dapo or dr_grpo, found " + s);
    }

    /** TRL's spelling: {@code grpo}, {@code bnpo}, {@code dr_grpo}. */
    public String trlName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
