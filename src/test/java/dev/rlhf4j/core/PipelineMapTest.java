package dev.rlhf4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The map of the notebooks, drawn headless: every notebook has its own place, and the highlight lands on it. */
class PipelineMapTest {

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    /** Every notebook, 00 to 08, has a place inside the picture, and no two places overlap. */
    @Test
    void everyNotebookHasItsOwnPlace() {
        Rectangle picture = new Rectangle(0, 0, PipelineMap.WIDTH, PipelineMap.HEIGHT);
        List<Rectangle> places = new ArrayList<>();
        for (int n = 0; n < PipelineMap.NOTEBOOKS; n++) {
            Rectangle r = PipelineMap.box(n);
            assertTrue(picture.contains(r), "notebook " + n + " at " + r + " leaves the picture");
            for (int m = 0; m < places.size(); m++) {
                assertFalse(places.get(m).intersects(r), "notebooks " + m + " and " + n + " overlap");
            }
            places.add(r);
        }
    }

    /**
     * Highlighting notebook n puts the highlight colour on n's place and on no other notebook's; the map
     * without a highlight has none of it anywhere.
     */
    @Test
    void theHighlightLandsOnItsNotebook() {
        assertEquals(0, highlighted(PipelineMap.draw(), new Rectangle(0, 0, PipelineMap.WIDTH, PipelineMap.HEIGHT)));
        for (int n = 0; n < PipelineMap.NOTEBOOKS; n++) {
            BufferedImage image = PipelineMap.draw(n);
            assertEquals(PipelineMap.WIDTH, image.getWidth());
            assertEquals(PipelineMap.HEIGHT, image.getHeight());
            assertTrue(highlighted(image, PipelineMap.box(n)) > 100, "notebook " + n + " is not highlighted");
            for (int m = 0; m < PipelineMap.NOTEBOOKS; m++) {
                if (m != n) {
                    assertEquals(0, highlighted(image, PipelineMap.box(m)),
                            "highlighting " + n + " also marks " + m);
                }
            }
        }
    }

    /** {@code write} leaves the map and one picture per notebook, each readable at the map's size. */
    @Test
    void writesTheMapAndOnePicturePerNotebook(@TempDir Path dir) throws Exception {
        PipelineMap.write(dir);
        List<String> names = new ArrayList<>(List.of("pipeline.png"));
        for (int n = 0; n < PipelineMap.NOTEBOOKS; n++) {
            names.add(String.format("map-%02d.png", n));
        }
        for (String name : names) {
            BufferedImage read = ImageIO.read(dir.resolve(name).toFile());
            assertEquals(PipelineMap.WIDTH, read.getWidth(), name);
            assertEquals(PipelineMap.HEIGHT, read.getHeight(), name);
        }
        try (var files = Files.list(dir)) {
            assertEquals(names.size(), files.count());
        }
    }

    /** Pixels of exactly the highlight colour inside {@code r}. */
    private static int highlighted(BufferedImage image, Rectangle r) {
        int rgb = PipelineMap.HIGHLIGHT.getRGB();
        int count = 0;
        for (int y = r.y; y < r.y + r.height; y++) {
            for (int x = r.x; x < r.x + r.width; x++) {
                if (image.getRGB(x, y) == rgb) {
                    count++;
                }
            }
        }
        return count;
    }
}
