package dev.rlhf4j.kernel;

import dev.rlhf4j.core.Rlhf4j;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.BaseKernelBuilder;
import org.dflib.jjava.jupyter.kernel.HelpLink;
import org.dflib.jjava.jupyter.kernel.JupyterIO;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.history.HistoryEntry;
import org.dflib.jjava.jupyter.kernel.history.HistoryManager;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.kernel.magic.MagicParser;
import org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;
import org.dflib.jjava.jupyter.messages.Header;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.publish.PublishError;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteInput;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteResult;
import org.dflib.jjava.jupyter.messages.reply.ErrorReply;
import org.dflib.jjava.jupyter.messages.reply.ExecuteReply;
import org.dflib.jjava.jupyter.messages.reply.KernelInfoReply;
import org.dflib.jjava.jupyter.messages.request.ExecuteRequest;
import org.dflib.jjava.jupyter.messages.request.KernelInfoRequest;

/**
 * The rlhf4j Jupyter kernel: Java cells run by JShell inside this JVM, with the library, Tablesaw
 * and XChart on the classpath and imported, and the IJava notebook API ({@link Notebook}).
 *
 * <p>Jupyter starts it from the kernelspec ({@link KernelSpec}) as
 * {@code java ... dev.rlhf4j.kernel.Kernel CONNECTION_FILE}. The messaging (ZeroMQ, signing, the
 * shell/control/stdin/iopub channels) is jjava-jupyter's {@link BaseKernel}; this class adds the
 * Java: evaluation ({@link JavaShell}), rendering ({@link Renderers}), magics ({@link Magics}),
 * errors a learner can read ({@link CellError}) and interrupts (see {@link LiveExecutionControl}).
 */
public final class Kernel extends BaseKernel {

    /** The kernel's name in kernelspecs and in {@code kernel_info}. */
    public static final String NAME = "rlhf4j";

    private static final Pattern MAGIC_PREFIX = Pattern.compile("\\s*%(\\w*)");

    private final KernelIO kernelIO;
    private final CompletableFuture<JavaShell> shell;
    private final List<String> startupNotes = new ArrayList<>();
    private volatile int currentCell;

    private Kernel(String name, String version, JupyterIO io, CommManager comms, Renderer renderer,
            MagicParser magicParser, MagicsRegistry magics, StringStyler errorStyler) {
        super(name, version, languageInfo(), List.of(
                        new HelpLink("Java 17 API", "https://docs.oracle.com/en/java/javase/17/docs/api/"),
                        new HelpLink("Tablesaw", "https://jtablesaw.github.io/tablesaw/"),
                        new HelpLink("XChart", "https://knowm.org/open-source/xchart/")),
                new EmptyHistory(), io, comms, renderer, magicParser, magics, false, errorStyler);
        this.kernelIO = (KernelIO) io;
        this.shell = CompletableFuture.supplyAsync(this::startShell);
    }

    /** Starts a kernel on the connection file Jupyter passes and serves it until shutdown. */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: java -cp CLASSPATH dev.rlhf4j.kernel.Kernel CONNECTION_FILE");
            System.exit(2);
        }
        serve(Path.of(args[0]));
        System.exit(0);
    }

    /** Serves Jupyter on the connection described by {@code connectionFile} until it shuts down. */
    public static void serve(Path connectionFile) throws Exception {
        KernelConnectionProperties props = KernelConnectionProperties.parse(Files.readString(connectionFile));
        JupyterConnection connection = new JupyterConnection(props);
        Kernel kernel = new Builder().build();
        kernel.onStartup();
        kernel.becomeHandlerForConnection(connection);
        connection.connect();
        exitWithParent(System.getenv("JPY_PARENT_PID"));
        connection.waitUntilClose();
    }

    /**
     * Exits when the process that started the kernel (the Jupyter server or client, whose pid
     * jupyter_client passes in {@code JPY_PARENT_PID} on Unix) is gone, so no kernel is orphaned.
     */
    private static void exitWithParent(String parentPid) {
        if (parentPid == null || System.getProperty("os.name", "").startsWith("Windows")) {
            return; // on Windows the variable holds a handle, not a pid
        }
        long pid;
        try {
            pid = Long.parseLong(parentPid.strip());
        } catch (NumberFormatException e) {
            return;
        }
        Thread watcher = new Thread(() -> {
            while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException e) {
                    return;
                }
            }
            System.exit(0);
        }, "rlhf4j-parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    private static LanguageInfo languageInfo() {
        return new LanguageInfo.Builder("java")
                .version(System.getProperty("java.version"))
                .mimetype("text/x-java-source")
                .fileExtension(".jshell")
                .pygments("java")
                .codemirror("java")
                .build();
    }

    /** Builds JShell, imports the start-up packages and starts the PyTorch engine. */
    private JavaShell startShell() {
        JavaShell js = new JavaShell();
        js.importAll(Startup.imports());
        try {
            js.control().runOnCellThread(Rlhf4j::init);
        } catch (Exception | LinkageError e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            startupNotes.add("rlhf4j: the PyTorch engine did not start (" + cause + "); cells that use DJL will fail.");
        }
        return js;
    }

    /** The JShell of this kernel (waits for start-up on first use). */
    JavaShell shell() {
        return shell.join();
    }

    /** The running kernel, for {@link Notebook}; null outside a notebook. */
    static Kernel current() {
        return BaseKernel.notebookKernel instanceof Kernel k ? k : null;
    }

    KernelIO kernelIO() {
        return kernelIO;
    }

    @Override
    public Object evalRaw(String source) {
        String java = magicParser.resolveMagics(source);
        return shell().eval(java, currentCell);
    }

    @Override
    protected synchronized void handleExecuteRequest(ShellReplyEnvironment env, Message<ExecuteRequest> message) {
        commManager.setMessageContext(message);
        ExecuteRequest request = message.getContent();
        boolean silent = request.isSilent();
        int count = silent || !request.shouldStoreHistory() ? executionCount.get() : executionCount.getAndIncrement();
        env.setBusyDeferIdle();
        if (!silent) {
            env.publish(new PublishExecuteInput(request.getCode(), count));
        }
        kernelIO.attach(env, request.isStdinEnabled());
        try {
            shell(); // waits for start-up
            startupNotes.forEach(System.err::println);
            startupNotes.clear();
            currentCell = count;
            Object value = evalRaw(request.getCode());
            // A cell ending in System.out.printf(...) returns the stream: nothing worth showing.
            DisplayData shown = value == null || silent || value instanceof java.io.PrintStream ? null : renderSafely(value);
            kernelIO.flush();
            if (shown != null) {
                env.publish(new PublishExecuteResult(count, shown));
            }
            env.defer().reply(new ExecuteReply(count, Map.of()));
        } catch (CellError e) {
            reportError(env, count, e.ename(), e.evalue(), e.traceback());
        } catch (RuntimeException | LinkageError e) {
            List<String> lines = formatError(e);
            reportError(env, count, e.getClass().getSimpleName(), String.valueOf(e.getMessage()), lines);
        } finally {
            kernelIO.detach(env);
        }
    }

    private DisplayData renderSafely(Object value) {
        try {
            return getRenderer().render(value);
        } catch (RuntimeException | LinkageError e) {
            System.err.println("rlhf4j: could not show the value as a picture or table (" + e + "); showing its text");
            return new DisplayData(String.valueOf(value));
        }
    }

    private void reportError(ShellReplyEnvironment env, int count, String ename, String evalue, List<String> traceback) {
        kernelIO.flush();
        env.publish(new PublishError(ename, evalue, traceback));
        ErrorReply reply = new ErrorReply(ename, evalue, traceback);
        reply.setExecutionCount(count);
        env.defer().replyError(ExecuteReply.MESSAGE_TYPE.error(), reply);
    }

    @Override
    protected void handleKernelInfoRequest(ShellReplyEnvironment env, Message<KernelInfoRequest> message) {
        env.setBusyDeferIdle();
        env.reply(new KernelInfo(name, version, getLanguageInfo(), getBanner(), getHelpLinks()));
    }

    /** kernel_info_reply with the {@code status} field jjava-jupyter 1.0-a6 leaves out. */
    static final class KernelInfo extends KernelInfoReply {
        @SuppressWarnings("unused") // read by Gson
        private final String status = "ok";

        KernelInfo(String name, String version, LanguageInfo info, String banner, List<HelpLink> links) {
            super(Header.PROTOCOL_VERISON, name, version, info, banner, links);
        }
    }

    @Override
    public String getBanner() {
        return "rlhf4j " + version + " - Java " + System.getProperty("java.version")
                + " (JShell); the library, Tablesaw and XChart are imported.";
    }

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) {
        String text = shell().inspect(code, at);
        return text == null ? null : new DisplayData(text);
    }

    @Override
    public ReplacementOptions complete(String code, int at) {
        Matcher magic = MAGIC_PREFIX.matcher(code.substring(code.lastIndexOf('\n', at - 1) + 1, at));
        if (magic.matches()) {
            String typed = magic.group(1);
            List<String> names = magicsRegistry.getLineMagicNames().stream().filter(n -> n.startsWith(typed)).sorted().toList();
            return new ReplacementOptions(names, at - typed.length(), at);
        }
        JavaShell.Completion c = shell().complete(code, at);
        return new ReplacementOptions(c.matches(), c.start(), c.end());
    }

    @Override
    public String isComplete(String code) {
        String last = code.strip();
        if (last.startsWith("%")) {
            return IS_COMPLETE_YES; // a magic line
        }
        return switch (shell().readiness(code)) {
            case COMPLETE -> IS_COMPLETE_YES;
            case INVALID -> IS_COMPLETE_BAD;
            case INCOMPLETE -> indentAfter(code);
        };
    }

    private static String indentAfter(String code) {
        long open = code.chars().filter(c -> c == '{').count() - code.chars().filter(c -> c == '}').count();
        return "    ".repeat((int) Math.max(0, Math.min(open, 8)));
    }

    @Override
    public void interrupt() {
        JavaShell js = shell.getNow(null);
        if (js != null) {
            js.interrupt();
        }
    }

    @Override
    public void onShutdown(boolean restarting) {
        JavaShell js = shell.getNow(null);
        if (js != null) {
            js.interrupt();
            js.close();
        }
        kernelIO.close();
        super.onShutdown(restarting);
    }

    /** History is not kept; requests get an empty answer instead of none. */
    private static final class EmptyHistory implements HistoryManager {
        @Override
        public List<HistoryEntry> lookupRange(int session, int start, int end, java.util.Set<ResultFlag> flags) {
            return List.of();
        }

        @Override
        public List<HistoryEntry> lookupTail(int length, java.util.Set<ResultFlag> flags) {
            return List.of();
        }

        @Override
        public List<HistoryEntry> search(String pattern, int length, java.util.Set<ResultFlag> flags) {
            return List.of();
        }
    }

    /** Assembles the kernel from jjava-jupyter's parts and ours. */
    static final class Builder extends BaseKernelBuilder<Builder, Kernel> {

        Builder() {
            name(NAME);
            version(implementationVersion());
            Magics.registerAll(this);
        }

        @Override
        public Kernel build() {
            return new Kernel(buildName(), buildVersion(), buildJupyterIO(buildJupyterIOEncoding()), buildCommManager(),
                    buildRenderer(), buildMagicParser(), buildMagicsRegistry(), buildErrorStyler());
        }

        @Override
        protected JupyterIO buildJupyterIO(Charset encoding) {
            return new KernelIO(encoding);
        }

        @Override
        protected Renderer buildRenderer() {
            Renderer renderer = new Renderer();
            Renderers.install(renderer);
            return renderer;
        }

        MagicParser buildMagicParser() {
            return new MagicParser(Magics.LINE_MAGIC_START, Magics.CELL_MAGIC_START, new Magics.Transpiler());
        }

        @Override
        protected Charset buildJupyterIOEncoding() {
            return StandardCharsets.UTF_8;
        }

        private static String implementationVersion() {
            String v = Kernel.class.getPackage().getImplementationVersion();
            return v != null ? v : "0.1.0";
        }
    }

    /** Reads a resource of this package as text. */
    static String resource(String name) {
        try (InputStream in = Kernel.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
