package dev.rlhf4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The notebooks as committed (what GitHub and Binder show before anything runs): the stages and the
 * workshop in order, on the {@code rlhf4j} kernel, every code cell executed by a full run with its outputs kept,
 * charts among them, no error, and no path of the machine that ran them. Executing them is
 * {@link JupyterKernelTest#notebooksRunHeadlessInQuickMode()}.
 */
class CommittedNotebooksTest {

    static final Path DIR = Path.of("notebooks");
    static final List<String> NAMES = List.of("00-tour", "01-select-pretrained", "02-human-feedback-elo",
            "03-reward-model", "04-ppo", "05-iterate", "06-workshop", "07-beyond-ppo", "08-limits");
    /**
     * An absolute path of whatever machine ran the notebooks: a {@code /dir/...} that starts a word,
     * or a Windows drive. Relative paths ({@code runs/04-ppo}) and ratios ({@code tokens/s},
     * {@code 64/10000}) do not match. The same rule as {@code run_notebooks.py}.
     */
    static final Pattern MACHINE_PATH = Pattern.compile("(?:^|[\\s\"'(=:,\\[`])(/[\\w.-]+/[\\w./-]*|[A-Za-z]:\\\\\\\\?[\\w.-])");

    @Test
    void theNotebooksAreThereInOrder() throws IOException {
        List<String> found;
        try (Stream<Path> s = Files.list(DIR)) {
            found = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".ipynb"))
                    .map(n -> n.substring(0, n.length() - ".ipynb".length())).sorted().toList();
        }
        assertEquals(NAMES, found);
    }

    @Test
    void committedWithTheOutputsOfARunAndNoMachinePaths() throws IOException {
        List<String> problems = new ArrayList<>();
        for (String name : NAMES) {
            Path file = DIR.resolve(name + ".ipynb");
            String text = Files.readString(file, StandardCharsets.UTF_8);
            JsonObject nb = JsonParser.parseString(text).getAsJsonObject();
            for (String shown : texts(nb)) {
                Matcher m = MACHINE_PATH.matcher(shown);
                if (m.find()) {
                    problems.add(name + ": names an absolute path: " + m.group(1));
                }
            }
            String kernel = nb.getAsJsonObject("metadata").getAsJsonObject("kernelspec").get("name").getAsString();
            if (!kernel.equals(KernelSpec.DEFAULT_NAME)) {
                problems.add(name + ": kernel " + kernel + ", expected " + KernelSpec.DEFAULT_NAME);
            }
            int images = 0;
            int cell = 0;
            for (JsonElement c : nb.getAsJsonArray("cells")) {
                JsonObject o = c.getAsJsonObject();
                if (o.get("cell_type").getAsString().equals("code")) {
                    if (o.get("execution_count").isJsonNull()) {
                        problems.add(name + ": code cell " + cell + " was not executed");
                    }
                    for (JsonElement out : o.getAsJsonArray("outputs")) {
                        JsonObject obj = out.getAsJsonObject();
                        if (obj.get("output_type").getAsString().equals("error")) {
                            problems.add(name + ": code cell " + cell + " has an error output");
                        }
                        if (obj.has("data") && obj.getAsJsonObject("data").has("image/png")) {
                            images++;
                        }
                    }
                }
                cell++;
            }
            int need = switch (name) {
                case "04-ppo" -> 2;
                case "06-workshop" -> 4; // the join QR code and at least three charts
                case "07-beyond-ppo" -> 5; // the live dashboard, true preference, frontier, a method's own, DPO vs the RM
                case "08-limits" -> 6; // learning curve, biased preference and length, aspects, poor-feedback score and preference
                default -> 1;
            };
            if (images < need) {
                problems.add(name + ": " + images + " charts (image/png), expected at least " + need);
            }
            if (text.contains("run size: quick")) {
                problems.add(name + ": committed with the outputs of a quick run, expected a full run");
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /** Every string of a notebook a reader sees or its metadata holds; pictures (base64) left out. */
    static List<String> texts(JsonObject nb) {
        List<String> out = new ArrayList<>();
        out.add(nb.get("metadata").toString());
        for (JsonElement c : nb.getAsJsonArray("cells")) {
            JsonObject cell = c.getAsJsonObject();
            out.add(joined(cell.get("source")));
            if (!cell.has("outputs")) {
                continue;
            }
            for (JsonElement o : cell.getAsJsonArray("outputs")) {
                JsonObject output = o.getAsJsonObject();
                for (String key : List.of("text", "traceback", "evalue")) {
                    if (output.has(key)) {
                        out.add(joined(output.get(key)));
                    }
                }
                if (output.has("data")) {
                    output.getAsJsonObject("data").entrySet().stream().filter(e -> !e.getKey().startsWith("image/"))
                            .forEach(e -> out.add(joined(e.getValue())));
                }
            }
        }
        return out;
    }

    /** A notebook string: one string, or a list of lines. */
    private static String joined(JsonElement e) {
        if (e.isJsonArray()) {
            StringBuilder b = new StringBuilder();
            e.getAsJsonArray().forEach(x -> b.append(x.isJsonPrimitive() ? x.getAsString() : x.toString()));
            return b.toString();
        }
        return e.isJsonPrimitive() ? e.getAsString() : e.toString();
    }

    @Test
    void theMachinePathCheckCatchesPaths() {
        for (String bad : List.of("/opt/data/x", "saved in /srv/rlhf/run", "C:\\Users\\ana", "path=\"/a/b\"")) {
            assertTrue(MACHINE_PATH.matcher(bad).find(), bad);
        }
        for (String fine : List.of("runs/04-ppo/policy and datasets/feedback", "3,814 tokens/s", "0.2 · 64/10000", "1 / 2")) {
            assertFalse(MACHINE_PATH.matcher(fine).find(), fine);
        }
    }
}
