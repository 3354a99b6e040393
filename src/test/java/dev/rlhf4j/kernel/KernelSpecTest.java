package dev.rlhf4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelSpecTest {

    static KernelSpec spec() {
        return new KernelSpec("rlhf4j", "Java (rlhf4j)", Path.of("/opt/jdk/bin/java"), List.of("/r/rlhf4j.jar", "/r/lib/*"),
                KernelSpec.jvmOptions("700m", 17), Map.of());
    }

    @Test
    void kernelJsonHasArgvLanguageAndInterruptMode() {
        JsonObject json = JsonParser.parseString(spec().toJson()).getAsJsonObject();
        assertEquals("Java (rlhf4j)", json.get("display_name").getAsString());
        assertEquals("java", json.get("language").getAsString());
        assertEquals("message", json.get("interrupt_mode").getAsString());
        List<String> argv = json.getAsJsonArray("argv").asList().stream().map(e -> e.getAsString()).toList();
        assertEquals(List.of("/opt/jdk/bin/java", "-Xms64m", "-Xmx700m", "-XX:+UseSerialGC", "-XX:MaxMetaspaceSize=256m",
                "-Djava.awt.headless=true", "-Dfile.encoding=UTF-8", "--enable-native-access=ALL-UNNAMED", "-cp", "/r/rlhf4j.jar" + java.io.File.pathSeparator + "/r/lib/*",
                "dev.rlhf4j.kernel.Kernel", "{connection_file}"), argv);
    }

    @Test
    void installAndUninstallAreIdempotent(@TempDir Path data) throws Exception {
        Path dir = spec().installInto(data);
        assertEquals(data.resolve("kernels/rlhf4j"), dir);
        spec().withDisplayName("Again").installInto(data);
        assertTrue(Files.readString(dir.resolve("kernel.json")).contains("\"display_name\": \"Again\""));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "only kernel.json, no temp files left");
        }
        assertTrue(KernelSpec.uninstall(data, "rlhf4j"));
        assertFalse(Files.exists(dir));
        assertFalse(KernelSpec.uninstall(data, "rlhf4j"));
    }

    @Test
    void dataDirectories() {
        String custom = Path.of("jupyter-data").toAbsolutePath().toString();
        assertEquals(Path.of(custom), KernelSpec.userDataDir(Map.of("JUPYTER_DATA_DIR", custom)));
        if (System.getProperty("os.name").startsWith("Linux")) {
            assertEquals(Path.of(System.getProperty("user.home"), ".local/share/jupyter"), KernelSpec.userDataDir(Map.of()));
            assertEquals(Path.of("/x/jupyter"), KernelSpec.userDataDir(Map.of("XDG_DATA_HOME", "/x")));
        }
        assertEquals(Path.of("/usr/local/share/jupyter"), KernelSpec.prefixDataDir(Path.of("/usr/local")));
    }

    @Test
    void badValuesAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> spec().withName("my kernel"));
        assertEquals("kernel name: expected letters, digits, '.', '_' or '-', found 'my kernel'", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KernelSpec.jvmOptions("lots"));
        assertThrows(IllegalArgumentException.class, () -> spec().withClasspath(List.of()));
    }

    /** A fake JDK: {@code bin/java} prints {@code version}; a {@code release} file when {@code release} is not null. */
    static Path fakeJdk(Path dir, String version, String release) throws Exception {
        Path java = dir.resolve("bin/java");
        Files.createDirectories(java.getParent());
        Files.writeString(java, "#!/bin/sh\necho 'openjdk version \"" + version + "\" 2024-01-16' >&2\n");
        java.toFile().setExecutable(true);
        if (release != null) {
            Files.writeString(dir.resolve("release"), "IMPLEMENTOR=\"x\"\nJAVA_VERSION=\"" + release + "\"\n");
        }
        return java;
    }

    /**
     * The kernel's java is recorded as an absolute path with the flags of its version: the JDK's
     * release file or its -version tells the version, Java 17+ gets --enable-native-access (Java 25
     * prints "restricted method" warnings without it), older Javas are refused.
     */
    @Test
    void javaVersionsAndTheirFlags(@TempDir Path tmp) throws Exception {
        assertEquals(Runtime.version().feature(), KernelSpec.javaVersion(KernelSpec.defaults().java()));
        assertEquals(21, KernelSpec.javaVersion(fakeJdk(tmp.resolve("jdk21"), "99", "21.0.2")), "the release file wins");
        assertEquals(23, KernelSpec.javaVersion(fakeJdk(tmp.resolve("jdk23"), "23.0.1", null)), "else java -version");
        Path old = fakeJdk(tmp.resolve("jdk8"), "1.8.0_402", null);
        assertEquals(8, KernelSpec.javaVersion(old));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> spec().withJava(old));
        assertEquals("rlhf4j needs Java 17 or newer; this java is Java 8", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KernelSpec.javaVersion(tmp.resolve("nothing/bin/java")));
        KernelSpec on21 = spec().withJava(tmp.resolve("jdk21/bin/java"));
        assertEquals(tmp.resolve("jdk21/bin/java").toAbsolutePath(), on21.java());
        assertEquals(1, on21.jvmOptions().stream().filter(o -> o.equals("--enable-native-access=ALL-UNNAMED")).count(),
                on21.jvmOptions().toString());
        assertEquals(on21.java().toString(), on21.argv().get(0));
        assertFalse(on21.jvmOptions().contains("--sun-misc-unsafe-memory-access=allow"), "no such flag before Java 23");
        KernelSpec on25 = on21.withJava(fakeJdk(tmp.resolve("jdk25"), "25.0.3", "25.0.3"));
        assertEquals(1, on25.jvmOptions().stream().filter(o -> o.equals("--sun-misc-unsafe-memory-access=allow")).count(),
                "Java 24+ warn about classgraph's Unsafe::invokeCleaner without it: " + on25.jvmOptions());
        assertEquals(List.of("--enable-native-access=ALL-UNNAMED"), KernelSpec.versionOptions(17));
        Path java25 = JupyterKernelTest.java25();
        if (java25 != null) {
            assertEquals(25, KernelSpec.javaVersion(java25));
        }
    }

    @Test
    void defaultsRunThisJvmOnThisClasspath() {
        KernelSpec d = KernelSpec.defaults();
        assertEquals(Path.of(System.getProperty("java.home"), "bin", "java"), d.java());
        assertTrue(d.classpath().stream().anyMatch(p -> p.endsWith("classes")), d.classpath().toString());
        assertTrue(d.jvmOptions().contains("-Drlhf4j.home=" + Path.of("").toAbsolutePath()), d.jvmOptions().toString());
        assertEquals(dev.rlhf4j.core.NativeMemory.ENV, d.env(), "the kernel gets glibc's malloc settings");
        assertTrue(d.toJson().contains("\"MALLOC_ARENA_MAX\": \"1\""), d.toJson());
    }
}
