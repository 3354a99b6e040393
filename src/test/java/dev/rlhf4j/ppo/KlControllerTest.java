package dev.rlhf4j.ppo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class KlControllerTest {

    /**
     * TRL's defaults β = 0.2, target 6, horizon 10000, after a batch of 256 with KL = 9:
     * e = clip(9/6 − 1, −0.2, 0.2) = clip(0.5) = 0.2, β = 0.2·(1 + 0.2·256/10000) = 0.2·1.00512
     * = 0.201024.
     */
    @Test
    void adaptiveRaisesBetaAboveTarget() {
        KlController c = new AdaptiveKlController(0.2, 6, 10000);
        c.update(9, 256);
        assertEquals(0.201024, c.value(), 1e-15);
    }

    /**
     * Below target, KL = 3: e = clip(3/6 − 1) = clip(−0.5) = −0.2, β = 0.2·(1 − 0.00512) = 0.198976.
     * Inside the clip, KL = 6.6: e = 0.1, β = 0.2·(1 + 0.1·256/10000) = 0.200512. On target β stays.
     */
    @Test
    void adaptiveLowersBetaBelowTargetAndIsProportionalInside() {
        KlController low = new AdaptiveKlController(0.2, 6, 10000);
        low.update(3, 256);
        assertEquals(0.198976, low.value(), 1e-15);
        KlController near = new AdaptiveKlController(0.2, 6, 10000);
        near.update(6.6, 256);
        assertEquals(0.200512, near.value(), 1e-12);
        KlController on = new AdaptiveKlController(0.2, 6, 10000);
        on.update(6, 256);
        assertEquals(0.2, on.value(), 0);
    }

    /** The fixed controller keeps β whatever the KL. */
    @Test
    void fixedNeverChanges() {
        KlController c = new FixedKlController(0.05);
        for (double kl : new double[] {0, 9, 100, -3}) {
            c.update(kl, 256);
        }
        assertEquals(0.05, c.value(), 0);
    }

    @Test
    void createFollowsAdapKlCtrl() {
        assertInstanceOf(AdaptiveKlController.class, KlController.create(true, 0.2, 6, 10000));
        assertInstanceOf(FixedKlController.class, KlController.create(false, 0.2, 6, 10000));
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveKlController(0.2, 0, 10000));
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveKlController(-1, 6, 10000));
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveKlController(0.2, 6, 0));
        assertThrows(IllegalArgumentException.class, () -> new FixedKlController(Double.NaN));
        KlController c = new AdaptiveKlController(0.2, 6, 10000);
        assertThrows(IllegalArgumentException.class, () -> c.update(Double.NaN, 256));
    }
}
