package dev.rlhf4j.core;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * The map of the notebooks: the RLHF pipeline as a picture, each stage a box that names its notebook.
 * Along the top the four stages of the seed article (Hugging Face, "Illustrating Reinforcement Learning
 * from Human Feedback", 2022): 01 select a pretrained model → 02 human feedback (people rank K
 * completions; Elo and Bradley–Terry) → 03 reward model → 04 PPO with a KL penalty to the reference
 * π_ref, and the loop from 04 back to 02 that InstructGPT iterated (notebook 05). Below, the notebooks
 * beside the pipeline: 00 the tour, 06 the workshop, 07 DPO and GRPO, 08 the limits. One notebook can be
 * highlighted ("you are here"). Colours and readability follow {@link ChartStyle}.
 *
 * <p>{@code main} writes {@code pipeline.png} and one {@code map-NN.png} per notebook into
 * {@code notebooks/images/} (or the directory given as the first argument).
 */
public final class PipelineMap {

    /** Size of the picture in pixels: readable on a projector, and on GitHub at its page width. */
    public static final int WIDTH = 1200;
    public static final int HEIGHT = 420;
    /** The notebooks on the map, 00 to 08. */
    public static final int NOTEBOOKS = 9;
    /** The colour of the highlighted notebook: Okabe–Ito's vermillion. */
    public static final Color HIGHLIGHT = ChartStyle.PALETTE[1];

    private static final Color STAGE = ChartStyle.PALETTE[0];   // blue: the pipeline's stages
    private static final Color SIDE = ChartStyle.PALETTE[7];    // grey: the notebooks beside it
    private static final Color INK = new Color(0x222222);
    private static final int MARGIN = 24;
    private static final int GAP = 44;
    private static final int BOX_W = (WIDTH - 2 * MARGIN - 3 * GAP) / 4;
    private static final int BOX_H = 110;
    private static final int ROW1 = 95;
    private static final int ROW2 = 290;
    private static final int LOOP_Y = 60;

    private PipelineMap() {}

    /** A box of the map: its notebook, title and one line of detail. */
    private record Box(int notebook, String title, String detail, Rectangle at, boolean stage) {}

    private static final List<Box> BOXES = List.of(
            new Box(1, "Select a model", "a pretrained language model: perplexity and speed", column(0, ROW1), true),
            new Box(2, "Human feedback", "people rank K completions; Elo and Bradley–Terry", column(1, ROW1), true),
            new Box(3, "Reward model", "learns to score what the raters prefer", column(2, ROW1), true),
            new Box(4, "PPO", "raises the reward, with a KL penalty to the frozen reference", column(3, ROW1), true),
            new Box(0, "Tour", "the whole loop in a few cells", column(0, ROW2), false),
            new Box(6, "Workshop", "a room ranks in the browser", column(1, ROW2), false),
            new Box(7, "DPO and GRPO", "from the same feedback, without PPO", column(2, ROW2), false),
            new Box(8, "Limits", "the limits of RLHF, measured", column(3, ROW2), false));

    /** The loop's label, 05 iterate: centred on the loop's top segment. */
    private static final String LOOP_LABEL = "05 · Iterate: rank the tuned policy's samples, retrain, PPO again";
    private static final Font LOOP_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 17);

    private static Rectangle column(int i, int y) {
        return new Rectangle(MARGIN + i * (BOX_W + GAP), y, BOX_W, BOX_H);
    }

    /** The map with no notebook highlighted. */
    public static BufferedImage draw() {
        return draw(-1);
    }

    /**
     * The map with notebook {@code highlight} (0 to 8) drawn in {@link #HIGHLIGHT} and marked "you are
     * here"; any other value highlights nothing.
     */
    public static BufferedImage draw(int highlight) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setColor(INK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
            g.drawString("The RLHF pipeline, notebook by notebook", MARGIN, 32);
            drawArrows(g, highlight);
            for (Box b : BOXES) {
                drawBox(g, b, b.notebook() == highlight);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /**
     * Where notebook {@code notebook}'s box lies on the map; for 05, the label on the loop. Tests and
     * image maps use it.
     */
    public static Rectangle box(int notebook) {
        if (notebook == 5) {
            return loopLabel();
        }
        return BOXES.stream().filter(b -> b.notebook() == notebook).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no notebook " + notebook + " on the map (0 to 8)"))
                .at();
    }

    /** The loop runs from 04's top, near its right end, to 02's top, near its left end. */
    private static int loopRight() {
        return column(3, ROW1).x + BOX_W - 60;
    }

    private static int loopLeft() {
        return column(1, ROW1).x + 60;
    }

    private static Rectangle loopLabel() {
        Graphics2D scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        int width = scratch.getFontMetrics(LOOP_FONT).stringWidth(LOOP_LABEL) + 24;
        scratch.dispose();
        int centre = (loopLeft() + loopRight()) / 2;
        return new Rectangle(centre - width / 2, LOOP_Y - 16, width, 32);
    }

    private static void drawBox(Graphics2D g, Box b, boolean here) {
        Rectangle r = b.at();
        Color edge = here ? HIGHLIGHT : b.stage() ? STAGE : SIDE;
        g.setColor(ChartStyle.faded(edge, here ? 60 : 28));
        g.fillRoundRect(r.x, r.y, r.width, r.height, 18, 18);
        g.setColor(edge);
        g.setStroke(here ? new BasicStroke(6f)
                : b.stage() ? new BasicStroke(3f) : new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND,
                        10f, new float[] {8f, 6f}, 0f));
        g.drawRoundRect(r.x, r.y, r.width, r.height, 18, 18);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
        g.drawString(String.format("%02d", b.notebook()), r.x + 14, r.y + 32);
        g.setColor(INK);
        g.drawString(b.title(), r.x + 50, r.y + 32);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 16));
        int y = r.y + 58;
        for (String line : wrap(g.getFontMetrics(), b.detail(), r.width - 28)) {
            g.drawString(line, r.x + 14, y);
            y += 21;
        }
        if (here) {
            g.setColor(HIGHLIGHT);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            String tag = "you are here";
            g.drawString(tag, r.x + r.width - g.getFontMetrics().stringWidth(tag) - 4, r.y - 8);
        }
    }

    private static void drawArrows(Graphics2D g, int highlight) {
        g.setStroke(new BasicStroke(3f));
        g.setColor(STAGE);
        for (int i = 0; i < 3; i++) {   // 01 → 02 → 03 → 04
            Rectangle a = column(i, ROW1);
            arrow(g, a.x + a.width + 6, a.y + a.height / 2, a.x + a.width + GAP - 6, a.y + a.height / 2);
        }
        // the loop, 05: from the top of 04 back to the top of 02
        boolean here = highlight == 5;
        Color loop = here ? HIGHLIGHT : STAGE;
        int x4 = loopRight();
        int x2 = loopLeft();
        g.setColor(loop);
        g.setStroke(new BasicStroke(here ? 6f : 3f));
        g.drawLine(x4, ROW1 - 4, x4, LOOP_Y);
        g.drawLine(x4, LOOP_Y, x2, LOOP_Y);
        arrow(g, x2, LOOP_Y, x2, ROW1 - 6);
        Rectangle label = loopLabel();
        g.setColor(Color.WHITE);
        g.fillRect(label.x, label.y, label.width, label.height);
        g.setColor(loop);
        g.setFont(LOOP_FONT);
        FontMetrics fm = g.getFontMetrics();
        g.drawString(LOOP_LABEL, label.x + (label.width - fm.stringWidth(LOOP_LABEL)) / 2, LOOP_Y + 6);
        if (here) {
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            g.drawString("you are here", label.x + label.width - g.getFontMetrics().stringWidth("you are here"),
                    label.y - 4);
        }
        // beside the pipeline: 06's rankings are feedback; 07 learns from the same feedback
        g.setColor(SIDE);
        g.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {8f, 6f}, 0f));
        Rectangle f = column(1, ROW1);
        Rectangle w = column(1, ROW2);
        arrow(g, w.x + w.width / 2, w.y - 6, f.x + f.width / 2, f.y + f.height + 8);
        Rectangle d = column(2, ROW2);
        arrow(g, f.x + f.width - 30, f.y + f.height + 6, d.x + 40, d.y - 8);
        g.setFont(new Font(Font.SANS_SERIF, Font.ITALIC, 15));
        g.drawString("the room's rankings", w.x + w.width / 2 - 150, (f.y + f.height + w.y) / 2 + 5);
        g.drawString("the same rankings", d.x - 10, (f.y + f.height + w.y) / 2 + 5);
    }

    /** A line from (x1, y1) to (x2, y2) with a filled head at (x2, y2), in the current colour and stroke. */
    private static void arrow(Graphics2D g, int x1, int y1, int x2, int y2) {
        double angle = Math.atan2(y2 - y1, x2 - x1);
        int len = 14;
        int bx = (int) Math.round(x2 - len * Math.cos(angle));
        int by = (int) Math.round(y2 - len * Math.sin(angle));
        g.drawLine(x1, y1, bx, by);
        Polygon head = new Polygon();
        head.addPoint(x2, y2);
        head.addPoint((int) Math.round(bx + 7 * Math.sin(angle)), (int) Math.round(by - 7 * Math.cos(angle)));
        head.addPoint((int) Math.round(bx - 7 * Math.sin(angle)), (int) Math.round(by + 7 * Math.cos(angle)));
        g.fillPolygon(head);
    }

    /** {@code text} broken at spaces into lines at most {@code width} pixels wide. */
    static List<String> wrap(FontMetrics fm, String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            String candidate = line.isEmpty() ? word : line + " " + word;
            if (fm.stringWidth(candidate) > width && !line.isEmpty()) {
                lines.add(line.toString());
                line = new StringBuilder(word);
            } else {
                line = new StringBuilder(candidate);
            }
        }
        lines.add(line.toString());
        return lines;
    }

    /** Writes {@code pipeline.png} (nothing highlighted) and {@code map-00.png} … {@code map-08.png}. */
    public static void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        ImageIO.write(draw(), "png", dir.resolve("pipeline.png").toFile());
        for (int n = 0; n < NOTEBOOKS; n++) {
            ImageIO.write(draw(n), "png", dir.resolve(String.format("map-%02d.png", n)).toFile());
        }
    }

    /** {@code PipelineMap [dir]}: writes the map's images into {@code dir}, by default {@code notebooks/images}. */
    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        Path dir = Path.of(args.length > 0 ? args[0] : "notebooks/images");
        try {
            write(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the map's images into " + dir, e);
        }
        System.out.println("wrote pipeline.png and map-00.png … map-08.png into " + dir);
    }
}
