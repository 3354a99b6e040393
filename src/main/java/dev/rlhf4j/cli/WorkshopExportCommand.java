package dev.rlhf4j.cli;

import dev.rlhf4j.feedback.FeedbackLog;
import dev.rlhf4j.feedback.FeedbackRecord;
import dev.rlhf4j.workshop.FeedbackStore;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rlhf4j workshop export}: the stored rankings as the feedback log (and TRL pairs). */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write every stored ranking as one line of the feedback log (the format `reward --feedback` reads),",
            "and optionally the comparisons as TRL's prompt/chosen/rejected pairs."})
public final class WorkshopExportCommand implements Callable<Integer> {

    @Mixin
    DatabaseOptions database;

    @Option(names = "--out", required = true, description = "the feedback log to write (JSONL)")
    Path out;

    @Option(names = "--pairs", description = "also write TRL's preference pairs here (JSONL)")
    Path pairs;

    @Option(names = "--code", description = "only the workshop with this join code (default: every workshop in the store)")
    String code;

    @Override
    public Integer call() {
        try (FeedbackStore store = FeedbackStore.open(database.url(), database.user(), database.password())) {
            String workshop = null;
            if (code != null) {
                workshop = store.findWorkshop(code).orElseThrow(() -> new IllegalArgumentException(
                        "--code: no workshop with code " + code + " in " + database.printable())).id();
            }
            List<FeedbackRecord> records = store.export(workshop);
            FeedbackLog.write(records, out);
            System.out.println(records.size() + " rankings from " + database.printable() + " -> " + out);
            if (pairs != null) {
                FeedbackLog.writeTrlPairs(records, pairs);
                System.out.println("TRL pairs -> " + pairs);
            }
        }
        return 0;
    }
}
