package dev.rlhf4j.workshop;

/**
 * Per-rater token buckets: each request takes a token; a bucket holds at most {@code burst} and
 * refills at {@code perMinute}. People ranking by hand never meet the limit; a script flooding the
 * room gets 429 with the seconds to wait.
 */
final class RateLimiter {

    private final double burst;
    private final double perNano;

    /** {@code perMinute} ≤ 0 turns the limit off. */
    RateLimiter(int perMinute, int burst) {
        this.burst = burst;
        this.perNano = perMinute <= 0 ? Double.POSITIVE_INFINITY : perMinute / 60e9;
    }

    /** A full bucket for one rater. */
    Bucket bucket() {
        return new Bucket();
    }

    /** One rater's bucket. */
    final class Bucket {
        private double tokens = burst;
        private long last = System.nanoTime();

        /** Takes a token: 0 when there was one, else the whole seconds until there is. */
        synchronized long take() {
            if (Double.isInfinite(perNano)) {
                return 0;
            }
            long now = System.nanoTime();
            tokens = Math.min(burst, tokens + (now - last) * perNano);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - tokens) / perNano / 1e9));
        }
    }
}
