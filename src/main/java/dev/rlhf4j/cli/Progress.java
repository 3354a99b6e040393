package dev.rlhf4j.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of long work: a live progress bar in a terminal; in a log (no console) a line every
 * tenth of the way, so CI logs stay short.
 */
final class Progress implements AutoCloseable {

    private final String task;
    private final long max;
    private final ProgressBar bar;
    private long lastDecile = -1;

    Progress(String task, long max) {
        this.task = task;
        this.max = max;
        this.bar = System.console() != null
                ? new ProgressBarBuilder().setTaskName(task).setInitialMax(max).setStyle(ProgressBarStyle.ASCII)
                        .setUpdateIntervalMillis(250).continuousUpdate().build()
                : null;
    }

    /** Moves to {@code done} of {@code max} with a short status such as the current loss. */
    void update(long done, String message) {
        if (bar != null) {
            bar.stepTo(done);
            bar.setExtraMessage(message);
            return;
        }
        long decile = max == 0 ? 10 : done * 10 / max;
        if (decile != lastDecile) {
            lastDecile = decile;
            System.out.printf("%s %3d%% (%d/%d) %s%n", task, decile * 10, done, max, message);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
