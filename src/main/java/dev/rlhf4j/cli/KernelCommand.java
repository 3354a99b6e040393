package dev.rlhf4j.cli;

import dev.rlhf4j.kernel.Kernel;
import dev.rlhf4j.kernel.KernelSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code rlhf4j kernel}: the Jupyter kernel. {@code install} writes its kernelspec into Jupyter's
 * data folder (no Python needed), {@code uninstall} removes it, {@code run} serves a connection
 * file (what Jupyter does through the kernelspec).
 */
@Command(name = "kernel", mixinStandardHelpOptions = true,
        description = "The rlhf4j Jupyter kernel (Java with the library preloaded): install, uninstall or run it.",
        subcommands = {KernelCommand.Install.class, KernelCommand.Uninstall.class, KernelCommand.Run.class})
public final class KernelCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public KernelCommand() {}

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Runs {@code kernel ...} on its own (used by binder/postBuild); exits with its status. */
    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new KernelCommand());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof IllegalArgumentException || e instanceof java.io.UncheckedIOException) {
                cmd.getErr().println("error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        System.exit(cli.execute(args));
    }

    /** Where the kernelspec goes: the user's Jupyter data folder, or an environment prefix. */
    static final class Location {
        @Option(names = "--user", description = "the user's Jupyter data folder (the default;"
                + " ~/.local/share/jupyter on Linux, or JUPYTER_DATA_DIR)")
        boolean user;

        @Option(names = "--prefix", paramLabel = "DIR", description = "DIR/share/jupyter (a virtualenv, conda env or /usr/local)")
        Path prefix;

        static Path dataDir(Location where) {
            return where == null || where.prefix == null ? KernelSpec.userDataDir(System.getenv()) : KernelSpec.prefixDataDir(where.prefix);
        }
    }

    @Command(name = "install", mixinStandardHelpOptions = true,
            description = "Write the kernelspec (kernel.json) for this build; running it again updates it.")
    public static final class Install implements Callable<Integer> {

        @ArgGroup(exclusive = true)
        Location where;

        @Option(names = "--name", description = "kernel name (default: ${DEFAULT-VALUE})")
        String name = KernelSpec.DEFAULT_NAME;

        @Option(names = "--display-name", description = "name in Jupyter's kernel menu (default: ${DEFAULT-VALUE})")
        String displayName = KernelSpec.DEFAULT_DISPLAY_NAME;

        @Option(names = "--heap", description = "largest Java heap; PyTorch's native memory comes on top (default: ${DEFAULT-VALUE}, for a 2 GB Binder container)")
        String heap = KernelSpec.DEFAULT_HEAP;

        @Option(names = "--jvm-option", paramLabel = "OPTION", description = "an extra JVM option for the kernel (repeatable)")
        List<String> extraJvmOptions = new ArrayList<>();

        @Option(names = "--java", paramLabel = "PATH", description = "the java the kernel runs on, a JDK's bin/java"
                + " (default: the java running this command)")
        Path javaPath;

        public Install() {}

        @Override
        public Integer call() {
            KernelSpec defaults = javaPath == null ? KernelSpec.defaults() : KernelSpec.defaults().withJava(javaPath);
            List<String> options = new ArrayList<>(KernelSpec.jvmOptions(heap, KernelSpec.javaVersion(defaults.java())));
            defaults.jvmOptions().stream().filter(o -> o.startsWith("-Drlhf4j.home=")).forEach(options::add);
            options.addAll(extraJvmOptions);
            KernelSpec spec = defaults.withName(name).withDisplayName(displayName).withJvmOptions(options);
            for (String entry : spec.classpath()) {
                if (!entry.endsWith("*") && !Files.exists(Path.of(entry))) {
                    throw new IllegalArgumentException("classpath entry " + entry + " does not exist; build first (./mvnw -DskipTests package)");
                }
            }
            Path dir = spec.installInto(Location.dataDir(where));
            System.out.println("installed kernel '" + name + "' (\"" + displayName + "\") in " + dir);
            System.out.println("  java:      " + spec.java());
            List<String> cp = spec.classpath();
            System.out.println("  classpath: " + cp.get(0) + (cp.size() > 1 ? " (+" + (cp.size() - 1) + " more)" : ""));
            System.out.println("Start Jupyter (jupyter notebook or jupyter lab) and choose \"" + displayName + "\".");
            return 0;
        }
    }

    @Command(name = "uninstall", mixinStandardHelpOptions = true,
            description = "Remove the kernelspec; nothing happens when it is not installed.")
    public static final class Uninstall implements Callable<Integer> {

        @ArgGroup(exclusive = true)
        Location where;

        @Option(names = "--name", description = "kernel name (default: ${DEFAULT-VALUE})")
        String name = KernelSpec.DEFAULT_NAME;

        public Uninstall() {}

        @Override
        public Integer call() {
            Path dataDir = Location.dataDir(where);
            boolean removed = KernelSpec.uninstall(dataDir, name);
            System.out.println(removed
                    ? "removed kernel '" + name + "' from " + KernelSpec.kernelDir(dataDir, name)
                    : "kernel '" + name + "' is not installed in " + dataDir.resolve("kernels") + "; nothing to remove");
            return 0;
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Serve Jupyter on CONNECTION_FILE (what the kernelspec runs).")
    public static final class Run implements Callable<Integer> {

        @Parameters(paramLabel = "CONNECTION_FILE", description = "the connection file Jupyter writes")
        Path connectionFile;

        public Run() {}

        @Override
        public Integer call() throws Exception {
            Kernel.serve(connectionFile);
            return 0;
        }
    }
}
