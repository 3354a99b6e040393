package dev.rlhf4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernel tested for real, through Jupyter's own Python client: the community's
 * {@code jupyter_kernel_test} suite, client-level behaviour (rendering, stdin, interrupts, errors,
 * state) and {@code binder/postBuild}. Scripts live in {@code src/test/python}; they run with
 * Debian's {@code /usr/bin/python3} (packages {@code jupyter-client python3-jupyter-kernel-test
 * python3-nbclient}).
 *
 * <p>The kernel is installed into a temporary prefix with this test's classpath (the compiled
 * classes and the dependency jars; there is no jar yet during {@code mvn test}).
 */
class JupyterKernelTest {

    static final String PYTHON = "/usr/bin/python3";
    static final Path SCRIPTS = Path.of("src/test/python").toAbsolutePath();

    @TempDir
    static Path tmp;

    static Path jupyterPath;

    @BeforeAll
    static void installKernel() throws Exception {
        if ("true".equals(System.getenv("CI")) && !pythonHasJupyter()) {
            throw new IllegalStateException(PYTHON + " lacks jupyter_client, jupyter_kernel_test or nbclient:"
                    + " .ci/run must install them (CI never skips the kernel tests)");
        }
        assumeTrue(pythonHasJupyter(), "skipped: " + PYTHON + " lacks jupyter_client, jupyter_kernel_test or nbclient"
                + " (Debian: apt-get install jupyter-client python3-jupyter-kernel-test python3-nbclient)");
        List<String> classpath = List.of(System.getProperty("java.class.path").split(File.pathSeparator));
        KernelSpec spec = KernelSpec.defaults().withClasspath(classpath.stream()
                .map(p -> Path.of(p).toAbsolutePath().toString()).toList());
        Path dataDir = KernelSpec.prefixDataDir(tmp.resolve("prefix"));
        spec.installInto(dataDir);
        jupyterPath = dataDir;
    }

    @Test
    void communityKernelTestSuite() throws Exception {
        runPython(Map.of(), "-m", "unittest", "-v", "test_kernel_suite");
    }

    @Test
    void notebookBehaviourThroughJupyterClient() throws Exception {
        runPython(Map.of(), "-m", "unittest", "-v", "test_kernel_client");
    }

    /**
     * Interrupting a reward-model, a PPO and a sampling cell returns the kernel to idle within 2 s
     * with the NDManager counts where they were ({@code test_kernel_interrupt.py}, which prints the
     * latencies), on the Java running this build.
     */
    @Test
    void interruptsThroughJupyterClient() throws Exception {
        runPython(Map.of(), "-m", "unittest", "-v", "test_kernel_interrupt");
    }

    /**
     * The kernel tests on Java 25 (issue 19: learners have 21 or 25): the community suite, the
     * client tests and the interrupt tests, on a kernelspec installed with
     * {@code --java} pointing at Java 25 ({@code JAVA25_HOME}, else Temurin 25's usual folder), and
     * no JVM warning on the kernel's console. Without a Java 25 the test is skipped
     * with a message, also under {@code CI=true} (not every machine has one).
     */
    @Test
    void kernelTestsOnJava25() throws Exception {
        Path java25 = java25();
        assumeTrue(java25 != null, "skipped: no Java 25 (set JAVA25_HOME, or install " + TEMURIN_25 + ")");
        String name = KernelSpec.DEFAULT_NAME + "-java25";
        KernelSpec.defaults().withName(name).withJava(java25).withClasspath(List.of(
                System.getProperty("java.class.path").split(File.pathSeparator)).stream()
                .map(p -> Path.of(p).toAbsolutePath().toString()).toList()).installInto(jupyterPath);
        Map<String, String> env = Map.of("RLHF4J_KERNEL_NAME", name, "RLHF4J_QUICK", "1");
        String out = runPython(env, "-m", "unittest", "-v", "test_kernel_suite", "test_kernel_client", "test_kernel_interrupt");
        assertTrue(out.contains("(Java 25, PPO)"), "the interrupt tests ran on Java 25:\n" + out);
        // the JVM's own warnings ("WARNING: A restricted method ...", "WARNING: A terminally deprecated method in
        // sun.misc.Unsafe ...") on the kernel's console, which the Python output includes
        assertTrue(!out.contains("WARNING: A "), "a JVM warning reached the console:\n" + out);
        // one notebook on Java 25, the quickest (02, human feedback and Elo: about 10 s in quick mode)
        String nb = runPython(env, 6, "run_notebooks.py",
                Path.of("notebooks", "02-human-feedback-elo.ipynb").toAbsolutePath().toString());
        assertTrue(nb.contains("02-human-feedback-elo"), "notebook 02 ran on Java 25:\n" + nb);
        assertTrue(!nb.contains("WARNING: A "), "a JVM warning reached the notebook's console:\n" + nb);
    }

    static final Path TEMURIN_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");

    /** A Java 25 {@code bin/java}: {@code JAVA25_HOME}'s, else Temurin 25's; null when neither exists. */
    static Path java25() {
        String home = System.getenv("JAVA25_HOME");
        Path java = (home != null && !home.isBlank() ? Path.of(home) : TEMURIN_25).resolve("bin").resolve("java");
        return Files.isExecutable(java) ? java : null;
    }

    @Test
    void binderPostBuildInstallsAWorkingKernel() throws Exception {
        Path repo = Path.of("").toAbsolutePath();
        runPython(Map.of(
                        "RLHF4J_REPO", repo.toString(),
                        "RLHF4J_NO_BUILD", "1",
                        "RLHF4J_CLASSPATH", System.getProperty("java.class.path")),
                "-m", "unittest", "-v", "test_binder");
    }

    /**
     * {@code rlhf4j kernel install --prefix P} through the launcher script, then a cell through
     * Jupyter's client once the launcher has exited ({@code test_launcher_install.py}).
     *
     * <p>{@code mvn test} comes before {@code package}, so {@code target/rlhf4j.jar} may be missing
     * or older than the classes under test, and the launcher would run Maven to build it, inside
     * this build. Instead the test lays out what {@code package} makes, from what this build
     * compiled, in a temporary folder: {@code target/rlhf4j.jar} (the classes) and
     * {@code target/lib/} (links to the dependency jars), next to a link to the repository's
     * {@code rlhf4j} script. There are no sources beside that build, so the launcher finds it up to
     * date and runs no Maven (nothing can recurse into the tests; it takes seconds).
     */
    @Test
    void launcherInstallsAKernelThatStartsAfterItExits() throws Exception {
        Path home = tmp.resolve("launcher-home");
        Path lib = Files.createDirectories(home.resolve("target").resolve("lib"));
        Files.createSymbolicLink(home.resolve("rlhf4j"), Path.of("rlhf4j").toAbsolutePath());
        jar(Path.of("target/classes").toAbsolutePath(), home.resolve("target").resolve("rlhf4j.jar"));
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path jar = Path.of(entry).toAbsolutePath();
            Path link = lib.resolve(jar.getFileName().toString());
            if (entry.endsWith(".jar") && Files.isRegularFile(jar) && !Files.exists(link)) {
                Files.createSymbolicLink(link, jar);
            }
        }
        runPython(Map.of("RLHF4J_LAUNCHER", home.resolve("rlhf4j").toString()), "-m", "unittest", "-v", "test_launcher_install");
    }

    /** Writes the files under {@code classes} into the jar {@code jar}. */
    static void jar(Path classes, Path jar) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace(File.separatorChar, '/')));
                Files.copy(file, out);
                out.closeEntry();
            }
        }
    }

    /**
     * Every notebook in {@code notebooks/} executed headless in quick mode, working directory
     * {@code notebooks/}: no cell fails, each shows a chart ({@code 04-ppo} at least two), no output
     * names a machine path. The script prints the time and the kernel's peak memory per notebook.
     */
    @Test
    void notebooksRunHeadlessInQuickMode() throws Exception {
        runPython(Map.of("RLHF4J_QUICK", "1"), 20, "run_notebooks.py");
    }

    static boolean pythonHasJupyter() throws InterruptedException {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import jupyter_client, jupyter_kernel_test, nbclient")
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Runs the Python tests, echoing their output; fails with the output's end when they fail; returns the output. */
    static String runPython(Map<String, String> env, String... args) throws Exception {
        return runPython(env, 6, args);
    }

    /** {@link #runPython(Map, String...)} with a limit of {@code minutes}. */
    static String runPython(Map<String, String> env, int minutes, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(PYTHON);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(SCRIPTS.toFile()).redirectErrorStream(true);
        pb.environment().put("JUPYTER_PATH", jupyterPath.toString());
        pb.environment().put("JUPYTER_DATA_DIR", tmp.resolve("data").toString());
        pb.environment().put("JUPYTER_RUNTIME_DIR", tmp.resolve("runtime").toString());
        pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        pb.environment().put("RLHF4J_KERNEL_NAME", KernelSpec.DEFAULT_NAME);
        pb.environment().putAll(env);
        Process p = pb.start();
        StringBuilder output = new StringBuilder();
        Thread echo = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    System.out.println("[python] " + line);
                    synchronized (output) {
                        output.append(line).append('\n');
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        echo.start();
        boolean finished = p.waitFor(minutes, TimeUnit.MINUTES);
        if (!finished) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        echo.join(10_000);
        String tail = output.length() > 6000 ? output.substring(output.length() - 6000) : output.toString();
        assertTrue(finished, () -> "python " + String.join(" ", args) + " did not finish in " + minutes + " minutes:\n" + tail);
        assertEquals(0, p.exitValue(), () -> "python " + String.join(" ", args) + " failed:\n" + tail);
        synchronized (output) {
            return output.toString();
        }
    }
}
