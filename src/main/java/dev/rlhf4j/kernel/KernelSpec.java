package dev.rlhf4j.kernel;

import com.google.gson.GsonBuilder;
import dev.rlhf4j.core.AtomicFiles;
import dev.rlhf4j.core.NativeMemory;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The kernelspec Jupyter uses to start this kernel: a folder {@code kernels/NAME/} in a Jupyter
 * data directory holding {@code kernel.json} ({@code argv}, display name, language,
 * {@code interrupt_mode: message}). Written by {@code rlhf4j kernel install} without Python.
 *
 * <p><b>Memory.</b> The defaults fit a Binder container (about 2 GB for everything): a 700 MB Java
 * heap ({@code -Xmx700m}) leaves the rest for PyTorch's native tensors and libtorch itself (a few
 * hundred MB for the bundled model), JShell's compiler, class metadata (capped at 256 MB: every
 * snippet is a class) and the Jupyter server. The serial collector has the smallest footprint on
 * one or two cores. On a bigger machine pass {@code --heap 4g}.
 *
 * @param name the kernel's folder name and Jupyter's kernel name ({@code rlhf4j})
 * @param displayName what the notebook's kernel menu shows
 * @param java the {@code java} executable, an absolute path: the JDK the spec was installed with
 *     (the one running {@code rlhf4j kernel install}, or its {@code --java})
 * @param classpath absolute classpath entries (the jar and {@code lib/*}, or classes and jars)
 * @param jvmOptions JVM options before the main class
 * @param env environment variables Jupyter sets for the kernel
 */
public record KernelSpec(String name, String displayName, Path java, List<String> classpath,
        List<String> jvmOptions, Map<String, String> env) {

    /** The kernel's name (its folder under {@code kernels/}). */
    public static final String DEFAULT_NAME = Kernel.NAME;
    /** Shown in Jupyter's kernel menu. */
    public static final String DEFAULT_DISPLAY_NAME = "Java (rlhf4j)";
    /** Heap for a 2 GB container (see the class comment). */
    public static final String DEFAULT_HEAP = "700m";

    private static final Pattern KERNEL_NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern HEAP = Pattern.compile("\\d+[kKmMgG]?");

    public KernelSpec {
        if (name == null || !KERNEL_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("kernel name: expected letters, digits, '.', '_' or '-', found '" + name + "'");
        }
        if (classpath == null || classpath.isEmpty()) {
            throw new IllegalArgumentException("kernel classpath: expected at least one entry, found none");
        }
        classpath = List.copyOf(classpath);
        jvmOptions = List.copyOf(jvmOptions);
        env = Map.copyOf(env);
    }

    /** JVM options for a heap of {@code heap} (e.g. {@code 700m}) on this JVM's Java version, see the class comment. */
    public static List<String> jvmOptions(String heap) {
        return jvmOptions(heap, Runtime.version().feature());
    }

    /**
     * JVM options for a heap of {@code heap} (e.g. {@code 700m}) on Java {@code javaVersion}: the
     * memory settings of the class comment, then {@link #versionOptions(int)}.
     */
    public static List<String> jvmOptions(String heap, int javaVersion) {
        if (heap == null || !HEAP.matcher(heap).matches()) {
            throw new IllegalArgumentException("heap: expected a size such as 700m or 2g, found '" + heap + "'");
        }
        List<String> options = new ArrayList<>(List.of("-Xms64m", "-Xmx" + heap, "-XX:+UseSerialGC",
                "-XX:MaxMetaspaceSize=256m", "-Djava.awt.headless=true", "-Dfile.encoding=UTF-8"));
        options.addAll(versionOptions(javaVersion));
        return List.copyOf(options);
    }

    /**
     * The options a Java version needs so that no warning reaches a learner:
     * <ul>
     *   <li>{@code --enable-native-access=ALL-UNNAMED} (the flag exists since Java 17; from Java 24
     *       on, loading PyTorch's native library through JNA prints four "restricted method"
     *       warnings without it, JEP 472);
     *   <li>{@code --sun-misc-unsafe-memory-access=allow} from Java 23 (where the flag appears; from
     *       Java 24 on, classgraph, which Tablesaw uses, calls {@code sun.misc.Unsafe::invokeCleaner}
     *       and the JVM warns, JEP 498).
     * </ul>
     * Throws for Java 16 and older, which cannot run the library.
     */
    public static List<String> versionOptions(int javaVersion) {
        if (javaVersion < 17) {
            throw new IllegalArgumentException("rlhf4j needs Java 17 or newer; this java is Java " + javaVersion);
        }
        return javaVersion >= 23
                ? List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow")
                : List.of("--enable-native-access=ALL-UNNAMED");
    }

    /**
     * The feature version (17, 21, 25, ...) of the {@code java} executable {@code exe}: the
     * {@code JAVA_VERSION} of its JDK's {@code release} file, else what {@code java -version} prints.
     */
    public static int javaVersion(Path exe) {
        if (!Files.isRegularFile(exe) || !Files.isExecutable(exe)) {
            throw new IllegalArgumentException("java: " + exe + " is not an executable file (expected a JDK's bin/java)");
        }
        Path release = exe.toAbsolutePath().getParent().resolveSibling("release");
        try {
            if (Files.isRegularFile(release)) {
                for (String line : Files.readAllLines(release)) {
                    if (line.startsWith("JAVA_VERSION=")) {
                        return featureOf(line.substring("JAVA_VERSION=".length()).replace("\"", ""), release);
                    }
                }
            }
            Process p = new ProcessBuilder(exe.toString(), "-version").redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            var m = Pattern.compile("version \"([^\"]+)\"").matcher(text);
            if (!m.find()) {
                throw new IllegalArgumentException("java: " + exe + " -version printed no version: " + text.strip());
            }
            return featureOf(m.group(1), exe);
        } catch (IOException e) {
            throw new UncheckedIOException("could not tell the version of " + exe + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking " + exe + " for its version", e);
        }
    }

    /** 17 of "17.0.15", 25 of "25", 8 of "1.8.0_402". */
    private static int featureOf(String version, Path source) {
        String[] parts = version.trim().split("[.+_-]");
        try {
            int first = Integer.parseInt(parts[0]);
            return first == 1 && parts.length > 1 ? Integer.parseInt(parts[1]) : first;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("java version: expected a number such as 17.0.15, found '" + version
                    + "' in " + source);
        }
    }

    /**
     * The spec for this installation: this JVM's {@code java}, the classpath this code runs from
     * (the built jar and its {@code lib/*}, or the classes and jars of a development run), the
     * default JVM options, where known the project folder as {@code rlhf4j.home}, and
     * {@link NativeMemory#ENV} (glibc's malloc settings) as the kernel's environment.
     */
    public static KernelSpec defaults() {
        List<String> options = new ArrayList<>(jvmOptions(DEFAULT_HEAP));
        Path home = projectHome();
        if (home != null) {
            options.add("-Drlhf4j.home=" + home);
        }
        return new KernelSpec(DEFAULT_NAME, DEFAULT_DISPLAY_NAME, currentJava(), installationClasspath(), options,
                NativeMemory.ENV);
    }

    /**
     * The same kernel on another JDK: {@code java} (a JDK's {@code bin/java}), with the JVM options
     * of its Java version ({@link #versionOptions(int)}) in place of those of this one.
     */
    public KernelSpec withJava(Path java) {
        Path exe = java.toAbsolutePath().normalize();
        List<String> options = new ArrayList<>(jvmOptions.stream()
                .filter(o -> !o.startsWith("--enable-native-access") && !o.startsWith("--sun-misc-unsafe-memory-access")).toList());
        options.addAll(versionOptions(javaVersion(exe)));
        return new KernelSpec(name, displayName, exe, classpath, options, env);
    }

    public KernelSpec withName(String name) {
        return new KernelSpec(name, displayName, java, classpath, jvmOptions, env);
    }

    public KernelSpec withDisplayName(String displayName) {
        return new KernelSpec(name, displayName, java, classpath, jvmOptions, env);
    }

    public KernelSpec withClasspath(List<String> classpath) {
        return new KernelSpec(name, displayName, java, classpath, jvmOptions, env);
    }

    public KernelSpec withJvmOptions(List<String> jvmOptions) {
        return new KernelSpec(name, displayName, java, classpath, jvmOptions, env);
    }

    public KernelSpec withEnv(Map<String, String> env) {
        return new KernelSpec(name, displayName, java, classpath, jvmOptions, env);
    }

    /** The command Jupyter runs; it replaces {@code {connection_file}}. */
    public List<String> argv() {
        List<String> argv = new ArrayList<>();
        argv.add(java.toString());
        argv.addAll(jvmOptions);
        argv.add("-cp");
        argv.add(String.join(File.pathSeparator, classpath));
        argv.add(Kernel.class.getName());
        argv.add("{connection_file}");
        return argv;
    }

    /** The {@code kernel.json} text. */
    public String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("argv", argv());
        json.put("display_name", displayName);
        json.put("language", "java");
        json.put("interrupt_mode", "message");
        json.put("env", env);
        json.put("metadata", Map.of("debugger", false));
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(json) + "\n";
    }

    /**
     * Writes {@code DATA_DIR/kernels/NAME/kernel.json}, replacing an earlier one; returns the
     * kernel's folder.
     */
    public Path installInto(Path dataDir) {
        Path dir = kernelDir(dataDir, name);
        try {
            Files.createDirectories(dir);
            AtomicFiles.writeString(dir.resolve("kernel.json"), toJson());
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the kernelspec in " + dir + ": " + e.getMessage(), e);
        }
        return dir;
    }

    /** Removes {@code DATA_DIR/kernels/NAME}; false when there was nothing to remove. */
    public static boolean uninstall(Path dataDir, String name) {
        Path dir = kernelDir(dataDir, name);
        if (!Files.exists(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove the kernelspec " + dir + ": " + e.getMessage(), e);
        }
        return true;
    }

    /** {@code DATA_DIR/kernels/NAME}. */
    public static Path kernelDir(Path dataDir, String name) {
        return dataDir.resolve("kernels").resolve(name);
    }

    /**
     * The user's Jupyter data directory, as Jupyter finds it: {@code JUPYTER_DATA_DIR} if set, else
     * {@code ~/.local/share/jupyter} on Linux ({@code $XDG_DATA_HOME/jupyter} if that is set),
     * {@code ~/Library/Jupyter} on macOS, {@code %APPDATA%\jupyter} on Windows.
     */
    public static Path userDataDir(Map<String, String> environment) {
        String explicit = environment.get("JUPYTER_DATA_DIR");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        Path userHome = Path.of(System.getProperty("user.home"));
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            String appData = environment.get("APPDATA");
            return (appData != null ? Path.of(appData) : userHome.resolve("AppData").resolve("Roaming")).resolve("jupyter");
        }
        if (os.startsWith("mac")) {
            return userHome.resolve("Library").resolve("Jupyter");
        }
        String xdg = environment.get("XDG_DATA_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : userHome.resolve(".local").resolve("share")).resolve("jupyter");
    }

    /** The Jupyter data directory of an environment prefix: {@code PREFIX/share/jupyter}. */
    public static Path prefixDataDir(Path prefix) {
        return prefix.toAbsolutePath().normalize().resolve("share").resolve("jupyter");
    }

    /** The {@code java} executable of the running JVM. */
    static Path currentJava() {
        boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
        return Path.of(System.getProperty("java.home"), "bin", windows ? "java.exe" : "java");
    }

    /**
     * The classpath a kernel of this installation runs on: the system property
     * {@code rlhf4j.classpath} when set (the {@code rlhf4j} launcher sets it to
     * {@code target/rlhf4j.jar} and {@code target/lib/*}, because it runs from a private copy of the
     * jar that it deletes on exit); else the jar and {@code lib/*} when running from the built jar;
     * else this JVM's classpath.
     *
     * <p>The kernel points at the build rather than at a copy of it: it belongs to the checkout
     * anyway ({@code rlhf4j.home} for datasets, {@code mvnw} for {@code %maven}), after a rebuild a
     * restarted kernel runs the code just built (a copy would keep running the old build until
     * someone reinstalls it), and {@code target/lib} (about 180 MB, most of it PyTorch's native
     * library) is not duplicated per install. The price: after {@code mvn clean} the kernel cannot
     * start until the next build, and a kernel left running during a rebuild may fail to load
     * classes it has not loaded yet (Maven rewrites the jar in place): restart it, as one must to
     * see the rebuild.
     */
    static List<String> installationClasspath() {
        String stable = System.getProperty("rlhf4j.classpath");
        if (stable != null && !stable.isBlank()) {
            return Stream.of(stable.split(File.pathSeparator)).filter(e -> !e.isBlank()).toList();
        }
        Path code = codeLocation();
        if (code != null && code.toString().endsWith(".jar")) {
            Path lib = code.getParent().resolve("lib");
            return Files.isDirectory(lib) ? List.of(code.toString(), lib + File.separator + "*") : List.of(code.toString());
        }
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.isBlank() && Files.exists(Path.of(entry))) {
                entries.add(Path.of(entry).toAbsolutePath().normalize().toString());
            }
        }
        return entries;
    }

    /** The project folder: {@code rlhf4j.home}, or the folder above {@code target/}, if it has datasets. */
    static Path projectHome() {
        String property = System.getProperty("rlhf4j.home");
        if (property != null && Files.isDirectory(Path.of(property))) {
            return Path.of(property).toAbsolutePath().normalize();
        }
        Path code = codeLocation();
        if (code != null && code.getParent() != null && code.getParent().getParent() != null) {
            Path home = code.getParent().getParent();
            if (Files.isDirectory(home.resolve("datasets"))) {
                return home;
            }
        }
        return null;
    }

    private static Path codeLocation() {
        try {
            var source = KernelSpec.class.getProtectionDomain().getCodeSource();
            return source == null ? null : Path.of(source.getLocation().toURI()).toAbsolutePath().normalize();
        } catch (URISyntaxException | SecurityException e) {
            return null;
        }
    }
}
