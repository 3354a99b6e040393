package dev.rlhf4j.world;

import java.util.Locale;

/**
 * What a restaurant review talks about. Every prompt of the review world has one aspect, and the
 * simulated human prefers completions that stay on it.
 */
public enum Aspect {
    /** The dishes, their taste and portions. */
    FOOD,
    /** Servers, hosts, bartenders and how they treated the guests. */
    SERVICE,
    /** The room: music, lighting, decor, noise. */
    AMBIENCE,
    /** Prices, the bill, value for money. */
    PRICE,
    /** Waiting for a table, for the food, for the check. */
    WAIT;

    /** The lowercase name used in CSV files ({@code food}, {@code service}, ...). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The aspect named by a CSV label, case-insensitive.
     *
     * @throws IllegalArgumentException naming the expected labels when {@code label} is unknown
     */
    public static Aspect fromLabel(String label) {
        for (Aspect a : values()) {
            if (a.label().equalsIgnoreCase(label.trim())) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown aspect '" + label
                + "', expected one of food, service, ambience, price, wait");
    }
}
