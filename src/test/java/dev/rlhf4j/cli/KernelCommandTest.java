package dev.rlhf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class KernelCommandTest {

    static int run(String... args) {
        return new CommandLine(new KernelCommand()).execute(args);
    }

    @Test
    void installIntoAPrefixTwiceThenUninstallTwice(@TempDir Path prefix) throws Exception {
        Path json = prefix.resolve("share/jupyter/kernels/rlhf4j/kernel.json");
        assertEquals(0, run("install", "--prefix", prefix.toString()));
        assertEquals(0, run("install", "--prefix", prefix.toString(), "--heap", "1g", "--jvm-option", "-Dx=y"));
        String text = Files.readString(json);
        assertTrue(text.contains("\"-Xmx1g\"") && text.contains("\"-Dx=y\"") && text.contains("\"interrupt_mode\": \"message\""), text);
        assertEquals(0, run("uninstall", "--prefix", prefix.toString()));
        assertFalse(Files.exists(json.getParent()));
        assertEquals(0, run("uninstall", "--prefix", prefix.toString()));
    }

    @Test
    void otherNamesAndBadHeap(@TempDir Path prefix) {
        assertEquals(0, run("install", "--prefix", prefix.toString(), "--name", "rlhf4j-big", "--display-name", "Big"));
        assertTrue(Files.exists(prefix.resolve("share/jupyter/kernels/rlhf4j-big/kernel.json")));
        CommandLine cli = new CommandLine(new KernelCommand());
        assertEquals(1, cli.execute("install", "--prefix", prefix.toString(), "--heap", "lots"));
        assertEquals(2, cli.execute("install", "--user", "--prefix", prefix.toString()), "--user and --prefix exclude each other");
    }
}
