package dev.rlhf4j.workshop;

import dev.rlhf4j.feedback.Leaderboard;
import java.util.List;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * What the projector shows, at one moment: the room, the sources rated, agreement, the A/B verdict
 * and each person's taste. {@code GET /api/leaderboard} is this as JSON; a notebook shows it with
 * {@link #status()}, {@link #tastes()} and {@code FeedbackCharts.leaderboard(view.bt())}.
 *
 * @param perMinute rankings that came in during the last minute
 * @param elo the completions' sources by online Elo (bootstrap median), best first
 * @param bt the sources by Bradley–Terry, best first
 * @param agreement pairwise agreement between people on shared tasks (NaN while there are none)
 * @param agreementTasks task pairs behind {@code agreement}
 * @param simulated people's agreement with the simulated human's noiseless taste (NaN before any ranking)
 * @param simulatedRankings rankings behind {@code simulated}
 * @param ab the room's verdict of the blind A/B rounds (no rankings while none ran)
 * @param top the most active people, most rankings first
 * @param rewardModel whether a trained reward model judges too
 */
public record RoomView(String workshop, int round, boolean roundOpen, String joinUrl, String code, int raters, int rankings,
        double perMinute, Leaderboard elo, Leaderboard bt, double agreement, int agreementTasks, double simulated,
        int simulatedRankings, WorkshopVerdict ab, List<Taste> top, boolean rewardModel) {

    /**
     * How much one person's taste counts: the share of completion pairs they order as the others
     * do (on tasks others ranked too), as the simulated human does, and as the trained reward model
     * does; NaN where there is nothing to compare.
     */
    public record Taste(String name, int ranked, double withRoom, double withSimulatedHuman, double withRewardModel) {}

    public RoomView {
        top = List.copyOf(top);
    }

    /** One line for a live view: round, people, rankings, pace and agreement. */
    public String status() {
        StringBuilder b = new StringBuilder("round " + round + (roundOpen ? "" : " (closed)") + " · " + raters
                + (raters == 1 ? " person · " : " people · ") + String.format("%,d", rankings) + " rankings ("
                + Math.round(perMinute) + " in the last minute)");
        if (!Double.isNaN(agreement)) {
            b.append(" · people agree on ").append(percent(agreement)).append(" of pairs");
        }
        if (!Double.isNaN(simulated)) {
            b.append(", with the simulated human on ").append(percent(simulated));
        }
        if (ab.rankings() > 0) {
            b.append(" · A/B: the room prefers the tuned policy in ").append(percent(ab.human())).append(" [")
                    .append(percent(ab.humanLower())).append(", ").append(percent(ab.humanUpper())).append("]");
        }
        return b.toString();
    }

    /** The most active people and their agreement with the room, the simulated human and the reward model. */
    public Table tastes() {
        Table t = Table.create("how much each taste counts", StringColumn.create("person"), IntColumn.create("ranked"),
                DoubleColumn.create("with the room"), DoubleColumn.create("with the simulated human"),
                DoubleColumn.create("with the reward model"));
        for (Taste p : top) {
            t.stringColumn(0).append(p.name());
            t.intColumn(1).append(p.ranked());
            append(t.doubleColumn(2), p.withRoom());
            append(t.doubleColumn(3), p.withSimulatedHuman());
            append(t.doubleColumn(4), p.withRewardModel());
        }
        for (int c = 2; c <= 4; c++) {
            t.doubleColumn(c).setPrintFormatter(new java.text.DecimalFormat("0.00"), "–");
        }
        return t;
    }

    private static void append(DoubleColumn c, double v) {
        if (Double.isNaN(v)) {
            c.appendMissing();
        } else {
            c.append(v);
        }
    }

    private static String percent(double x) {
        return Math.round(100 * x) + "%";
    }
}
