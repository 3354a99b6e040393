package dev.rlhf4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The stage map of {@code package-info.java}, checked on the sources: arrows point one way, each
 * package uses only the packages of the rooms below it. The kernel renders any result without knowing
 * the stages (a stage's dashboard is handed to it, e.g. {@code LiveCharts.of(PpoReport.dashboard())}).
 */
class LayeringTest {

    static final Path MAIN = Path.of("src/main/java/dev/rlhf4j");

    /** Each package and the packages it may use. */
    static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("core", Set.of()),
            Map.entry("text", Set.of("core")),
            Map.entry("world", Set.of("core", "text")),
            Map.entry("model", Set.of("core", "text")),
            Map.entry("pretrain", Set.of("core", "text", "world", "model")),
            Map.entry("feedback", Set.of("core", "text", "world", "model")),
            Map.entry("workshop", Set.of("core", "text", "world", "model", "pretrain", "feedback")),
            Map.entry("reward", Set.of("core", "text", "world", "model", "feedback")),
            Map.entry("eval", Set.of("core", "text", "world", "model", "feedback", "reward")),
            Map.entry("ppo", Set.of("core", "text", "world", "model", "feedback", "reward", "eval")),
            Map.entry("dpo", Set.of("core", "text", "world", "model", "feedback", "reward", "eval")),
            Map.entry("grpo", Set.of("core", "text", "world", "model", "feedback", "reward", "eval")),
            Map.entry("loop", Set.of("core", "text", "world", "model", "pretrain", "feedback", "workshop", "reward", "eval",
                    "ppo", "dpo", "grpo")),
            Map.entry("kernel", Set.of("core", "text", "model")),
            Map.entry("bench", Set.of("core", "text", "world", "model", "pretrain", "feedback", "workshop", "reward", "eval",
                    "ppo", "dpo", "grpo")),
            Map.entry("cli", Set.of("core", "text", "world", "model", "pretrain", "feedback", "workshop", "reward", "eval",
                    "ppo", "dpo", "grpo", "loop", "kernel", "bench")));

    /** A use of another package: an import or a fully qualified name, in code or javadoc. */
    static final Pattern USE = Pattern.compile("dev\\.rlhf4j\\.([a-z]+)\\.");

    @Test
    void everyPackageUsesOnlyTheRoomsBelowIt() throws IOException {
        List<String> violations = new ArrayList<>();
        Set<String> packages = new TreeSet<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Path rel = MAIN.relativize(f);
                if (rel.getNameCount() < 2) {
                    continue; // the root package-info names every room
                }
                String pkg = rel.getName(0).toString();
                packages.add(pkg);
                Set<String> allowed = ALLOWED.get(pkg);
                Matcher m = USE.matcher(Files.readString(f, StandardCharsets.UTF_8));
                while (m.find()) {
                    String used = m.group(1);
                    if (!used.equals(pkg) && (allowed == null || !allowed.contains(used))) {
                        violations.add(rel + " uses " + used);
                    }
                }
            }
        }
        assertEquals(new TreeSet<>(ALLOWED.keySet()), packages, "a package without a place on the map, or a room gone");
        assertTrue(violations.isEmpty(), "arrows pointing the wrong way:\n" + String.join("\n", new TreeSet<>(violations)));
    }
}
