package dev.rlhf4j.kernel;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code %maven}: finds Maven artifacts and their runtime dependencies by running Maven itself
 * ({@code mvn} on the PATH, or the project's {@code mvnw}) on a throwaway pom, offline from the
 * local repository ({@code ~/.m2}) first and from Maven Central only when that fails.
 *
 * <p>Jars whose artifact is on the kernel's classpath already (DJL, Tablesaw, SLF4J, ...) are not
 * added again: the kernel keeps its own version, so a notebook cannot load two versions of a
 * library by accident.
 */
final class MavenArtifacts {

    /** The plugin that lists the classpath; the build pins the same version. */
    static final String BUILD_CLASSPATH = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath";
    private static final Pattern COORDINATES = Pattern.compile("([\\w.\\-]+):([\\w.\\-]+):([\\w.\\-]+)(?::([\\w.\\-]+))?");
    private static final Pattern JAR_NAME = Pattern.compile("(.+?)-\\d.*\\.jar");

    private MavenArtifacts() {}

    /** The jars to add and the jars left out because their artifact is on the classpath. */
    record Resolution(List<Path> added, List<Path> skipped) {}

    static Resolution resolve(List<String> coordinates) {
        String pom = pom(coordinates);
        List<String> mvn = mavenCommand();
        try {
            Path dir = Files.createTempDirectory("rlhf4j-maven-");
            Files.writeString(dir.resolve("pom.xml"), pom);
            Path out = dir.resolve("classpath.txt");
            System.out.println("%maven: resolving " + String.join(" ", coordinates) + " (local repository first) ...");
            String log = run(mvn, dir, out, true);
            if (log != null) {
                System.out.println("%maven: not all in the local repository; trying Maven Central ...");
                log = run(mvn, dir, out, false);
            }
            if (log != null) {
                throw new Magics.MagicError("%maven could not resolve " + String.join(" ", coordinates)
                        + " (offline, or a wrong coordinate?). Maven said:\n" + log
                        + "\nWithout network: download the jars elsewhere and add them with %jars.");
            }
            return split(Files.readString(out).strip());
        } catch (IOException e) {
            throw new Magics.MagicError("%maven: " + e.getMessage());
        }
    }

    /** A pom depending on each {@code group:artifact:version[:classifier]}. */
    static String pom(List<String> coordinates) {
        StringBuilder deps = new StringBuilder();
        for (String c : coordinates) {
            Matcher m = COORDINATES.matcher(c.strip());
            if (!m.matches()) {
                throw new Magics.MagicError("%maven: expected GROUP:ARTIFACT:VERSION[:CLASSIFIER], found '" + c + "'");
            }
            deps.append("    <dependency><groupId>").append(m.group(1)).append("</groupId><artifactId>").append(m.group(2))
                    .append("</artifactId><version>").append(m.group(3)).append("</version>")
                    .append(m.group(4) == null ? "" : "<classifier>" + m.group(4) + "</classifier>")
                    .append("</dependency>\n");
        }
        return """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>dev.rlhf4j.notebook</groupId>
                  <artifactId>maven-magic</artifactId>
                  <version>1</version>
                  <packaging>pom</packaging>
                  <dependencies>
                %s  </dependencies>
                </project>
                """.formatted(deps);
    }

    /** Runs Maven; null on success, else the end of its output. */
    private static String run(List<String> mvn, Path dir, Path out, boolean offline) throws IOException {
        List<String> cmd = new ArrayList<>(mvn);
        cmd.addAll(List.of("-B", "-q", "-Dstyle.color=never", "-f", dir.resolve("pom.xml").toString(), BUILD_CLASSPATH,
                "-Dmdep.outputFile=" + out, "-Dmdep.includeScope=runtime"));
        if (offline) {
            cmd.add("-o");
        }
        Path log = dir.resolve(offline ? "offline.log" : "online.log");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            if (!p.waitFor(offline ? 2 : 10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return "Maven did not finish in time";
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return "interrupted";
        }
        if (p.exitValue() == 0 && Files.exists(out)) {
            return null;
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                .map(line -> line.replaceAll("\u001b\\[[0-9;]*m", "").strip())
                .filter(line -> !line.isEmpty() && !line.equals("[ERROR]") && !line.contains("-e switch")
                        && !line.contains("-X switch") && !line.contains("[Help 1]") && !line.contains("For more information"))
                .toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
    }

    /** Splits Maven's classpath into jars to add and jars whose artifact the kernel has. */
    private static Resolution split(String classpath) {
        Set<String> present = new HashSet<>();
        Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(MavenArtifacts::artifactOf).forEach(present::add);
        List<Path> added = new ArrayList<>();
        List<Path> skipped = new ArrayList<>();
        if (!classpath.isEmpty()) {
            for (String entry : classpath.split(File.pathSeparator)) {
                Path p = Path.of(entry);
                (present.contains(artifactOf(entry)) ? skipped : added).add(p);
            }
        }
        return new Resolution(added, skipped);
    }

    /** "tablesaw-core" for ".../tablesaw-core-0.44.4.jar"; the file name when it has no version. */
    static String artifactOf(String path) {
        String name = Path.of(path).getFileName() == null ? path : Path.of(path).getFileName().toString();
        Matcher m = JAR_NAME.matcher(name);
        return m.matches() ? m.group(1) : name;
    }

    /** {@code mvn} from the PATH, else the project's {@code mvnw} (system property rlhf4j.home). */
    private static List<String> mavenCommand() {
        String exe = System.getProperty("os.name").startsWith("Windows") ? "mvn.cmd" : "mvn";
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, exe);
            if (Files.isExecutable(candidate)) {
                return List.of(candidate.toString());
            }
        }
        String home = System.getProperty("rlhf4j.home");
        if (home != null && Files.isExecutable(Path.of(home, "mvnw"))) {
            return List.of(Path.of(home, "mvnw").toString());
        }
        throw new Magics.MagicError("%maven needs Maven (the mvn command), which this machine lacks: install it"
                + " (e.g. apt-get install maven), or download the jars and add them with %jars");
    }
}
