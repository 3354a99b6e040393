package dev.rlhf4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every launcher sets {@link NativeMemory#ENV}, with the same values: {@code ./rlhf4j}, the
 * benchmarks' {@code bench/lib.sh}, and the tests' JVM ({@code pom.xml}, which this test's own
 * environment shows). The kernelspec is checked in {@code KernelSpecTest}.
 */
class NativeMemoryTest {

    @Test
    void everyLauncherSetsTheSameValues() throws Exception {
        String launcher = Files.readString(Path.of("rlhf4j"));
        String bench = Files.readString(Path.of("bench", "lib.sh"));
        String pom = Files.readString(Path.of("pom.xml"));
        for (Map.Entry<String, String> e : NativeMemory.ENV.entrySet()) {
            String shell = e.getKey() + ":-" + e.getValue() + "}";
            assertTrue(launcher.contains("export " + e.getKey() + "=\"${" + shell + "\""), "rlhf4j sets " + e);
            assertTrue(bench.contains(e.getKey() + "=\"${" + shell + "\""), "bench/lib.sh sets " + e);
            assertTrue(pom.contains("<" + e.getKey() + ">" + e.getValue() + "</" + e.getKey() + ">"), "pom.xml sets " + e);
            assertEquals(e.getValue(), System.getenv(e.getKey()), "this test JVM (surefire) runs with " + e);
        }
    }
}
