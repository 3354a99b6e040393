package dev.rlhf4j.ppo;

import java.util.List;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Before/after samples, TRL's gpt2-sentiment table: the same prompts completed by the policy
 * before and after PPO, with the reward model's score of each and, when known, the simulated
 * human's true utility. Built from plain lists: sample and score with whatever you like, then
 * tabulate here (nothing in this class calls a model).
 */
public final class Samples {

    /** Column: the prompt. */
    public static final String PROMPT = "prompt";
    /** Column: the completion before PPO. */
    public static final String BEFORE = "completion_before";
    /** Column: the completion after PPO. */
    public static final String AFTER = "completion_after";
    /** Column: the reward model's score before. */
    public static final String REWARD_BEFORE = "reward_before";
    /** Column: the reward model's score after. */
    public static final String REWARD_AFTER = "reward_after";
    /** Column: the true utility (the simulated human's preference) before. */
    public static final String TRUE_BEFORE = "true_utility_before";
    /** Column: the true utility after. */
    public static final String TRUE_AFTER = "true_utility_after";

    private Samples() {}

    /** The table without true utilities. */
    public static Table table(List<String> prompts, List<String> before, List<String> after, double[] rewardBefore,
            double[] rewardAfter) {
        return table(prompts, before, after, rewardBefore, rewardAfter, null, null);
    }

    /**
     * One row per prompt: {@code prompt, completion_before, completion_after, reward_before,
     * reward_after} and, when both arrays are given, {@code true_utility_before, true_utility_after}.
     * Every list and array must have one entry per prompt.
     *
     * @param trueBefore the true utility of each completion before, or null
     * @param trueAfter the true utility of each completion after, or null
     */
    public static Table table(List<String> prompts, List<String> before, List<String> after, double[] rewardBefore,
            double[] rewardAfter, double[] trueBefore, double[] trueAfter) {
        int n = prompts.size();
        check("completions before", before.size(), n);
        check("completions after", after.size(), n);
        check("rewards before", rewardBefore.length, n);
        check("rewards after", rewardAfter.length, n);
        if ((trueBefore == null) != (trueAfter == null)) {
            throw new IllegalArgumentException("samples table: give both true utilities (before and after) or neither");
        }
        Table t = Table.create("samples before and after PPO",
                StringColumn.create(PROMPT, prompts), StringColumn.create(BEFORE, before), StringColumn.create(AFTER, after),
                DoubleColumn.create(REWARD_BEFORE, rewardBefore), DoubleColumn.create(REWARD_AFTER, rewardAfter));
        if (trueBefore != null) {
            check("true utilities before", trueBefore.length, n);
            check("true utilities after", trueAfter.length, n);
            t.addColumns(DoubleColumn.create(TRUE_BEFORE, trueBefore), DoubleColumn.create(TRUE_AFTER, trueAfter));
        }
        for (String c : t.columnNames()) {
            if (t.column(c) instanceof DoubleColumn d) {   // shown with 3 decimals; the table keeps every digit
                d.setPrintFormatter(new java.text.DecimalFormat("0.000",
                        java.text.DecimalFormatSymbols.getInstance(java.util.Locale.ROOT)), "");
            }
        }
        return t;
    }

    private static void check(String what, int found, int expected) {
        if (found != expected) {
            throw new IllegalArgumentException("samples table: expected " + expected + " " + what + " (one per prompt), found "
                    + found);
        }
    }
}
