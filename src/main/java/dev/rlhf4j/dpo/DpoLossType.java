package dev.rlhf4j.dpo;

import java.util.Locale;

/**
 * TRL's {@code DPOConfig.loss_type}: how a pair's log-ratio difference Δ becomes a loss (see
 * {@link DpoLoss} for the formulas and sources).
 */
public enum DpoLossType {
    /** −log σ(βΔ), DPO's eq. 7 (Rafailov et al. 2023); TRL's default. */
    SIGMOID,
    /** (Δ̄ − 1/(2β))² on per-token mean log-ratios, IPO's eq. 17 (Azar et al. 2023). */
    IPO,
    /** max(0, 1 − βΔ), SLiC's hinge (Zhao et al. 2023), β = 1/margin. */
    HINGE;

    /** The type named {@code sigmoid}, {@code ipo} or {@code hinge} (any case). */
    public static DpoLossType parse(String s) {
        for (DpoLossType t : values()) {
            if (t.name().equalsIgnoreCase(s)) {
                return t;
            }
        }
        throw new IllegalArgumentException("loss_type: expected sigmoid, ipo or hinge, found " + s);
    }

    /** TRL's spelling: {@code sigmoid}, {@code ipo}, {@code hinge}. */
    public String trlName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
