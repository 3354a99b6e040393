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
                KernelSpec.jvmOptions("700m"), Map.of());
    }

    @Test
    void kernelJsonHasArgvLanguageAndInterruptMode() {
        JsonObject json = JsonParser.parseString(spec().toJson()).getAsJsonObject();
        assertEquals("Java (rlhf4j)", json.get("display_name").getAsString());
        assertEquals("java", json.get("language").getAsString());
        assertEquals("message", json.get("interrupt_mode").getAsString());
        List<String> argv = json.getAsJsonArray("argv").asList().stream().map(e -> e.getAsString()).toList();
        assertEquals(List.of("/opt/jdk/bin/java", "-Xms64m", "-Xmx700m", "-XX:+UseSerialGC", "-XX:MaxMetaspaceSize=256m",
                "-Djava.awt.headless=true", "-Dfile.encoding=UTF-8", "-cp", "/r/rlhf4j.jar" + java.io.File.pathSeparator + "/r/lib/*",
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

    @Test
    void defaultsRunThisJvmOnThisClasspath() {
        KernelSpec d = KernelSpec.defaults();
        assertEquals(Path.of(System.getProperty("java.home"), "bin", "java"), d.java());
        assertTrue(d.classpath().stream().anyMatch(p -> p.endsWith("classes")), d.classpath().toString());
        assertTrue(d.jvmOptions().contains("-Drlhf4j.home=" + Path.of("").toAbsolutePath()), d.jvmOptions().toString());
    }
}
