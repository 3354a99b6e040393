package dev.rlhf4j.kernel;

import java.io.File;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.dflib.jjava.jupyter.kernel.magic.MagicTranspiler;
import org.dflib.jjava.jupyter.kernel.magic.ParsedCellMagic;
import org.dflib.jjava.jupyter.kernel.magic.ParsedLineMagic;
import org.dflib.jjava.jupyter.kernel.magic.UndefinedMagicException;

/**
 * The kernel's line magics, as in IJava: a line starting with {@code %} is a command to the kernel.
 *
 * <ul>
 *   <li>{@code %jars PATH...} adds jar files to the classpath; globs ({@code lib/*.jar}) and
 *       folders (every jar inside) are allowed.
 *   <li>{@code %classpath PATH...} adds jars or class folders; with no argument it lists the
 *       classpath.
 *   <li>{@code %maven GROUP:ARTIFACT:VERSION...} adds a Maven artifact and its dependencies, see
 *       {@link MavenArtifacts}.
 * </ul>
 *
 * <p>Relative paths are resolved from the notebook's folder (the kernel's working directory).
 */
public final class Magics {

    private Magics() {}

    /** Registers the magics with the kernel being built. */
    static void registerAll(Kernel.Builder builder) {
        builder.lineMagic("jars", (kernel, args) -> jars(((Kernel) kernel).shell(), args));
        builder.lineMagic("classpath", (kernel, args) -> classpath(((Kernel) kernel).shell(), args));
        builder.lineMagic("maven", (kernel, args) -> maven(((Kernel) kernel).shell(), args));
    }

    /** A magic that could not do its job; the message says why and what to do. */
    public static final class MagicError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MagicError(String message) {
            super(message);
        }
    }

    /** What a {@code %name args} line runs (the transpiled magic line calls this). */
    public static Object line(String name, List<String> args) {
        Kernel kernel = Kernel.current();
        if (kernel == null) {
            throw new MagicError("%" + name + " needs a running notebook kernel");
        }
        try {
            return kernel.getMagicsRegistry().evalLineMagic(kernel, name, args);
        } catch (UndefinedMagicException e) {
            throw new MagicError("unknown magic %" + name + "; this kernel has %" + String.join(", %",
                    kernel.getMagicsRegistry().getLineMagicNames()));
        } catch (MagicError e) {
            throw e;
        } catch (Exception e) {
            throw new MagicError("%" + name + " failed: " + e.getMessage());
        }
    }

    /** What a {@code %%name} cell runs; this kernel has no cell magics. */
    public static Object cell(String name, List<String> args, String body) {
        throw new MagicError("unknown cell magic %%" + name + "; this kernel has line magics only (%jars, %classpath, %maven)");
    }

    static Object jars(JavaShell shell, List<String> args) throws IOException {
        if (args.isEmpty()) {
            throw new MagicError("usage: %jars PATH... (a jar, a folder of jars, or a glob such as lib/*.jar)");
        }
        List<Path> jars = new ArrayList<>();
        for (String arg : args) {
            List<Path> found = expand(arg).stream().filter(p -> p.toString().endsWith(".jar")).toList();
            if (found.isEmpty()) {
                throw new MagicError("%jars: no jar matches " + arg + " (looked from " + Path.of("").toAbsolutePath() + ")");
            }
            jars.addAll(found);
        }
        jars.forEach(p -> shell.addToClasspath(p.toAbsolutePath().normalize().toString()));
        System.out.println("added " + jars.size() + (jars.size() == 1 ? " jar: " : " jars: ")
                + jars.stream().map(p -> p.getFileName().toString()).collect(Collectors.joining(", ")));
        return null;
    }

    static Object classpath(JavaShell shell, List<String> args) throws IOException {
        if (args.isEmpty()) {
            System.out.println(Stream.concat(Stream.of(System.getProperty("java.class.path").split(File.pathSeparator)),
                    shell.addedClasspath().stream()).collect(Collectors.joining("\n")));
            return null;
        }
        List<Path> paths = new ArrayList<>();
        for (String arg : args) {
            List<Path> found = arg.contains("*") || arg.contains("?") ? expand(arg) : List.of(Path.of(arg));
            if (found.isEmpty() || !Files.exists(found.get(0))) {
                throw new MagicError("%classpath: nothing at " + arg + " (looked from " + Path.of("").toAbsolutePath() + ")");
            }
            paths.addAll(found);
        }
        paths.forEach(p -> shell.addToClasspath(p.toAbsolutePath().normalize().toString()));
        System.out.println("added to the classpath: " + paths.stream().map(Path::toString).collect(Collectors.joining(", ")));
        return null;
    }

    static Object maven(JavaShell shell, List<String> args) {
        if (args.isEmpty()) {
            throw new MagicError("usage: %maven GROUP:ARTIFACT:VERSION... (e.g. %maven org.apache.commons:commons-math3:3.6.1)");
        }
        MavenArtifacts.Resolution r = MavenArtifacts.resolve(args);
        r.added().forEach(p -> shell.addToClasspath(p.toString()));
        System.out.println("added " + r.added().size() + " jar(s)" + (r.added().isEmpty() ? "" : ": "
                + r.added().stream().map(p -> p.getFileName().toString()).collect(Collectors.joining(", "))));
        if (!r.skipped().isEmpty()) {
            System.out.println("already on the classpath (kept the kernel's version): "
                    + r.skipped().stream().map(p -> p.getFileName().toString()).collect(Collectors.joining(", ")));
        }
        return null;
    }

    /** A path, a folder (its jars) or a glob, as existing paths. */
    static List<Path> expand(String arg) throws IOException {
        if (!arg.contains("*") && !arg.contains("?")) {
            Path p = Path.of(arg);
            if (Files.isDirectory(p)) {
                try (Stream<Path> files = Files.list(p)) {
                    return files.filter(Files::isRegularFile).sorted().toList();
                }
            }
            return Files.exists(p) ? List.of(p) : List.of();
        }
        return glob(arg);
    }

    /** The files matching a glob such as {@code lib/*.jar} or {@code jars/**}{@code /*.jar}, sorted. */
    static List<Path> glob(String pattern) throws IOException {
        String unixPattern = pattern.replace(File.separatorChar, '/');
        String[] segments = unixPattern.split("/");
        StringBuilder base = new StringBuilder(unixPattern.startsWith("/") ? "/" : "");
        int first = 0;
        while (first < segments.length - 1 && !segments[first].contains("*") && !segments[first].contains("?")) {
            if (!segments[first].isEmpty()) {
                base.append(segments[first]).append('/');
            }
            first++;
        }
        Path root = Path.of(base.length() == 0 ? "." : base.toString());
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        String rest = String.join("/", java.util.Arrays.copyOfRange(segments, first, segments.length));
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + rest);
        int depth = rest.contains("**") ? Integer.MAX_VALUE : segments.length - first;
        try (Stream<Path> files = Files.walk(root, depth)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> matcher.matches(root.relativize(p)))
                    .map(p -> base.length() == 0 ? root.relativize(p) : p)
                    .sorted().toList();
        }
    }

    /** Turns magic lines into calls of {@link #line} and {@link #cell}. */
    static final class Transpiler extends MagicTranspiler {

        @Override
        public String transpileLine(ParsedLineMagic magic) {
            if (insideString(magic.linePrefix)) {
                return magic.raw;
            }
            return Magics.class.getName() + ".line(" + javaString(magic.magicCall.name) + ", "
                    + javaList(magic.magicCall.args) + ");";
        }

        @Override
        public String transpileCell(ParsedCellMagic magic) {
            return Magics.class.getName() + ".cell(" + javaString(magic.magicCall.name) + ", "
                    + javaList(magic.magicCall.args) + ", " + javaString(magic.magicCall.body) + ");";
        }

        private static boolean insideString(String prefix) {
            boolean inside = false;
            for (int i = 0; i < prefix.length(); i++) {
                if (prefix.charAt(i) == '"' && (i == 0 || prefix.charAt(i - 1) != '\\')) {
                    inside = !inside;
                }
            }
            return inside;
        }

        static String javaList(List<String> items) {
            return "java.util.List.of(" + items.stream().map(Transpiler::javaString).collect(Collectors.joining(", ")) + ")";
        }

        /** {@code s} as a Java string literal. */
        static String javaString(String s) {
            StringBuilder b = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
                switch (c) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    case '\n' -> b.append("\\n");
                    case '\r' -> b.append("\\r");
                    case '\t' -> b.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            b.append(String.format("\\u%04x", (int) c));
                        } else {
                            b.append(c);
                        }
                    }
                }
            }
            return b.append('"').toString();
        }
    }

    /** For jjava's magic parser: a {@code %} at the start of a line (or right after {@code =}). */
    static final String LINE_MAGIC_START = "(?<=(?:^|=))\\s*%";
    /** A cell whose first line starts with {@code %%}. */
    static final String CELL_MAGIC_START = "%%";
}
