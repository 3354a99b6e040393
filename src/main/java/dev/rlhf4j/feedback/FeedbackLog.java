package dev.rlhf4j.feedback;

import dev.rlhf4j.core.AtomicFiles;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The feedback log: an append-only JSONL file, one {@link FeedbackRecord} per line in the layout
 * of its javadoc.
 *
 * <pre>{@code
 * try (FeedbackLog.Writer log = FeedbackLog.appender(Path.of("feedback.jsonl"))) {
 *     log.append(FeedbackRecord.of(log.nextId(), task, ranking, rater, Instant.now()));
 * }
 * FeedbackLog.Loaded loaded = FeedbackLog.read(Path.of("feedback.jsonl"));
 * loaded.errors().forEach(System.out::println);   // feedback.jsonl:12: field "ranking": ...
 * FeedbackLog.writeTrlPairs(loaded.records(), Path.of("pairs.jsonl"));
 * }</pre>
 *
 * <p>Nothing collected is lost: the {@link Writer} hands every line to the operating system as
 * soon as it is appended (so killing the process loses nothing already appended), never rewrites
 * a line, and the reader keeps every good line of a file that also has bad ones, reporting each
 * bad line as a {@link LineError}.
 */
public final class FeedbackLog {

    /** The bundled feedback log, relative to the repository root: rankings of the default model's samples. */
    public static final String BUNDLED = "datasets/feedback/feedback.jsonl";

    private static final Pattern ID = Pattern.compile("f(\\d{1,9})");

    private FeedbackLog() {}

    /**
     * A bad line of a feedback log.
     *
     * @param file the log
     * @param line the 1-based line number
     * @param field the JSON field at fault, or null when the line is not a JSON object
     * @param message what was expected and what was found
     */
    public record LineError(Path file, int line, String field, String message) {

        /** {@code feedback.jsonl:12: field "ranking": expected ..., found ...}. */
        @Override
        public String toString() {
            return file + ":" + line + ": " + (field == null ? "" : "field \"" + field + "\": ") + message;
        }
    }

    /**
     * What a log holds.
     *
     * @param records the records of the good lines, in file order
     * @param errors one error per bad line, in file order
     */
    public record Loaded(List<FeedbackRecord> records, List<LineError> errors) {

        /** Copies the lists. */
        public Loaded {
            records = List.copyOf(records);
            errors = List.copyOf(errors);
        }

        /** Whether every line was good. */
        public boolean ok() {
            return errors.isEmpty();
        }
    }

    /** Opens {@code file} for appending (creating it and its folders when needed). */
    public static Writer appender(Path file) {
        return Writer.open(file, scan(file, true).ids);
    }

    /**
     * Reads a log, keeping every good line and reporting every bad one. Blank lines, and fields
     * not in the layout, are ignored; a repeated id is an error on the later line.
     *
     * @throws IllegalArgumentException when the file does not exist
     */
    public static Loaded read(Path file) {
        Scan s = scan(file, false);
        return new Loaded(s.records, s.errors);
    }

    /**
     * Reads a log that must be entirely good.
     *
     * @throws IllegalArgumentException with the first bad line (and how many others there are), or
     *     when the file does not exist
     */
    public static List<FeedbackRecord> readStrict(Path file) {
        Loaded loaded = read(file);
        if (!loaded.ok()) {
            int others = loaded.errors().size() - 1;
            throw new IllegalArgumentException(loaded.errors().get(0)
                    + (others == 0 ? "" : " (and " + others + " more bad line" + (others == 1 ? "" : "s") + ")"));
        }
        return loaded.records();
    }

    /** The record as its log line (no line end). */
    public static String toJson(FeedbackRecord record) {
        return FeedbackJson.write(record);
    }

    /**
     * The first free id after {@code used}: {@code f00001} for none, else one past the largest
     * {@code f}-number (ids of another form are ignored).
     */
    public static String nextId(Collection<String> used) {
        long max = 0;
        for (String id : used) {
            Matcher m = ID.matcher(id == null ? "" : id);
            if (m.matches()) {
                max = Math.max(max, Long.parseLong(m.group(1)));
            }
        }
        return String.format("f%05d", max + 1);
    }

    /** Writes {@code records} as a whole log, one line each, atomically (replacing {@code file}). */
    public static void write(List<FeedbackRecord> records, Path file) {
        StringBuilder jsonl = new StringBuilder();
        for (FeedbackRecord r : records) {
            jsonl.append(toJson(r)).append('\n');
        }
        AtomicFiles.writeString(file, jsonl.toString());
    }

    /**
     * Writes {@code records} into the folder {@code dir} as {@code feedback.jsonl} (the log),
     * {@code pairs.jsonl} ({@link #writeTrlPairs TRL's pairs}) and {@code pairs.csv}
     * ({@link #writePairsCsv every comparison}); returns the log's path.
     */
    public static Path writeFolder(List<FeedbackRecord> records, Path dir) {
        Path log = dir.resolve("feedback.jsonl");
        write(records, log);
        writeTrlPairs(records, dir.resolve("pairs.jsonl"));
        writePairsCsv(records, dir.resolve("pairs.csv"));
        return log;
    }

    /**
     * Writes the comparisons of {@code records} as TRL's reward-trainer preference format, one JSON
     * object per line: {@code {"prompt":"the pasta was","chosen":" rich and warm","rejected":" cold"}}.
     * As in TRL's "explicit prompt" datasets, chosen and rejected start with a space, so that
     * {@code prompt + chosen} is the whole review. Ties are left out: a pairwise reward loss has
     * no chosen side for them. Written atomically.
     */
    public static void writeTrlPairs(List<FeedbackRecord> records, Path file) {
        PairExports.trl(records, file);
    }

    /**
     * Writes every comparison of {@code records}, ties included, as CSV with the header
     * {@code record,task,prompt_id,prompt,chosen,rejected,tie} (RFC 4180 quoting; {@code chosen}
     * and {@code rejected} are the completion texts; for a tie, chosen is the one shown first).
     * Written atomically.
     */
    public static void writePairsCsv(List<FeedbackRecord> records, Path file) {
        PairExports.csv(records, file);
    }

    /**
     * Appends records to a log, one line each, handed to the operating system at once: a process
     * killed right after {@link #append} (even {@code kill -9}) has lost nothing it appended. A
     * power cut can still lose what the OS had not written to disk; {@link #sync} (and
     * {@link #close}) force it there. Use one writer per file at a time.
     */
    public static final class Writer implements Closeable {
        private final Path file;
        private final FileChannel channel;
        private final Set<String> ids;
        private boolean closed;

        private Writer(Path file, FileChannel channel, Set<String> ids) {
            this.file = file;
            this.channel = channel;
            this.ids = ids;
        }

        private static Writer open(Path file, Set<String> ids) {
            try {
                Files.createDirectories(file.toAbsolutePath().getParent());
                boolean needsNewline = Files.exists(file) && Files.size(file) > 0 && lastByte(file) != '\n';
                FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND);
                Writer w = new Writer(file, ch, ids);
                if (needsNewline) {
                    w.write("\n"); // the last line lacked its end: start on a new line
                }
                return w;
            } catch (IOException e) {
                throw new UncheckedIOException("could not open feedback log " + file + ": " + e.getMessage(), e);
            }
        }

        /** The log file. */
        public Path file() {
            return file;
        }

        /** The id for the next record: one past the largest {@code f}-number in the file so far. */
        public synchronized String nextId() {
            return FeedbackLog.nextId(ids);
        }

        /**
         * Writes {@code record} as one line and hands it to the OS.
         *
         * @throws IllegalArgumentException when the record would not read back (K outside 2..9, a
         *     blank field) or its id is already in the file; nothing is written then
         */
        public synchronized void append(FeedbackRecord record) {
            if (closed) {
                throw new IllegalStateException("feedback log " + file + " is closed");
            }
            String line = FeedbackJson.write(record);
            try {
                FeedbackJson.read(line);
            } catch (FeedbackJson.FieldError e) {
                throw new IllegalArgumentException(file + ": record " + record.id() + " not appended: field \""
                        + e.field + "\": " + e.getMessage());
            }
            if (ids.contains(record.id())) {
                throw new IllegalArgumentException(file + ": record not appended: id \"" + record.id()
                        + "\" is already in the log (take the next one from nextId())");
            }
            try {
                write(line + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException("could not append to feedback log " + file + ": " + e.getMessage(), e);
            }
            ids.add(record.id());
        }

        /** Forces what was appended onto the disk. */
        public synchronized void sync() {
            try {
                channel.force(false);
            } catch (IOException e) {
                throw new UncheckedIOException("could not sync feedback log " + file + ": " + e.getMessage(), e);
            }
        }

        /** Syncs and closes the file. */
        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                try (channel) {
                    channel.force(false);
                } catch (IOException e) {
                    throw new UncheckedIOException("could not close feedback log " + file + ": " + e.getMessage(), e);
                }
            }
        }

        /** One write call per line, so a line is never split between two writes. */
        private void write(String text) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                channel.write(b);
            }
        }

        private static int lastByte(Path file) throws IOException {
            try (SeekableByteChannel c = Files.newByteChannel(file)) {
                ByteBuffer b = ByteBuffer.allocate(1);
                c.position(c.size() - 1).read(b);
                return b.get(0);
            }
        }
    }

    /** What one pass over a file found; {@code ids} also holds the ids of bad lines. */
    private record Scan(List<FeedbackRecord> records, List<LineError> errors, Set<String> ids) {}

    private static Scan scan(Path file, boolean missingIsEmpty) {
        List<FeedbackRecord> records = new ArrayList<>();
        List<LineError> errors = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        Map<String, Integer> lineOfId = new HashMap<>();
        if (missingIsEmpty && !Files.exists(file)) {
            return new Scan(records, errors, ids);
        }
        // InputStreamReader replaces bytes that are not UTF-8 rather than failing the whole file
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8))) {
            int n = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    FeedbackRecord r = FeedbackJson.read(line);
                    Integer earlier = lineOfId.putIfAbsent(r.id(), n);
                    if (earlier != null) {
                        throw new FeedbackJson.FieldError("id", "expected a unique id, found \"" + r.id()
                                + "\" again (first on line " + earlier + ")");
                    }
                    records.add(r);
                    ids.add(r.id());
                } catch (FeedbackJson.FieldError e) {
                    errors.add(new LineError(file, n, e.field, e.getMessage()));
                    String id = FeedbackJson.idOrNull(line);
                    if (id != null) {
                        ids.add(id);
                    }
                }
            }
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such feedback log (expected a JSONL file at "
                    + file.toAbsolutePath() + ")", e);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read feedback log " + file + ": " + e.getMessage(), e);
        }
        return new Scan(records, errors, ids);
    }
}
