package dev.rlhf4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rlhf4j.core.PipelineMap;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The "you are here" strip of the committed notebooks (the JSON only; nothing runs): right under each
 * notebook's title, its own map ({@code images/map-NN.png}, drawn by {@link PipelineMap}) and a line
 * naming every notebook, this one in bold and the others linked. A new notebook needs both.
 */
class NotebookMapTest {

    @Test
    void everyNotebookOpensWithItsMapAndTheStrip() throws IOException {
        Path dir = CommittedNotebooksTest.DIR;
        List<String> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d\\d-.*\\.ipynb")).sorted().toList();
        }
        assertTrue(files.size() >= 8, "notebooks: " + files);
        List<String> problems = new ArrayList<>();
        for (String file : files) {
            String number = file.substring(0, 2);
            List<String> lines = firstMarkdown(dir.resolve(file)).lines().toList();
            int title = 0;
            while (title < lines.size() && !lines.get(title).startsWith("# ")) {
                title++;
            }
            if (title + 4 >= lines.size()) {
                problems.add(file + ": no title followed by the map and the strip");
                continue;
            }
            String image = "images/map-" + number + ".png";
            if (!lines.get(title + 2).matches("!\\[You are here[^]]*]\\(" + image.replace(".", "\\.") + "\\)")) {
                problems.add(file + ": the line under the title is not its map " + image + ": " + lines.get(title + 2));
            } else {
                BufferedImage map = ImageIO.read(dir.resolve(image).toFile());
                if (map == null || map.getWidth() != PipelineMap.WIDTH) {
                    problems.add(file + ": " + image + " is missing or not the map");
                }
            }
            String strip = lines.get(title + 4);
            if (!strip.contains("**" + number + " ")) {
                problems.add(file + ": the strip does not set " + number + " in bold: " + strip);
            }
            for (String other : files) {
                if (!other.equals(file) && !strip.contains("](" + other + ")")) {
                    problems.add(file + ": the strip does not link " + other);
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    private static String firstMarkdown(Path file) throws IOException {
        JsonObject nb = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
        for (JsonElement c : nb.getAsJsonArray("cells")) {
            JsonObject cell = c.getAsJsonObject();
            if (cell.get("cell_type").getAsString().equals("markdown")) {
                JsonElement source = cell.get("source");
                if (!source.isJsonArray()) {
                    return source.getAsString();
                }
                StringBuilder b = new StringBuilder();
                source.getAsJsonArray().forEach(x -> b.append(x.getAsString()));
                return b.toString();
            }
        }
        return "";
    }
}
