package dev.rlhf4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsLogTest {

    @Test
    void appendsRowsAndKeepsThemAcrossReopen(@TempDir Path tmp) throws Exception {
        Path csv = tmp.resolve("m.csv");
        try (MetricsLog log = MetricsLog.toCsv(csv)) {
            log.log(row(1, 2.5));
            log.log(row(2, 0.125));
            assertEquals(List.of("step,loss"), List.of(String.join(",", log.columns())));
            assertEquals(0.125, log.last("loss"));
        }
        try (MetricsLog log = MetricsLog.toCsv(csv)) {
            log.log(row(3, 1e-7));
        }
        assertEquals(List.of("step,loss", "1,2.5", "2,0.125", "3,1e-07"), Files.readAllLines(csv));
    }

    @Test
    void emptyValuesAndUnknownColumns() {
        MetricsLog log = MetricsLog.inMemory();
        Map<String, Double> first = new LinkedHashMap<>();
        first.put("a", 1.0);
        first.put("b", null);
        log.log(first);
        assertTrue(Double.isNaN(log.column("b")[0]));
        var e = assertThrows(IllegalArgumentException.class, () -> log.log(Map.of("c", 1)));
        assertTrue(e.getMessage().contains("'c'"), e.getMessage());
    }

    @Test
    void quickModeSwitch() {
        String before = System.getProperty("rlhf4j.quick");
        try {
            System.setProperty("rlhf4j.quick", "false");
            assertEquals(10, RunSize.pick(10, 1));
            System.setProperty("rlhf4j.quick", "true");
            assertEquals(1, RunSize.pick(10, 1));
            assertEquals("quick", RunSize.label());
        } finally {
            if (before == null) {
                System.clearProperty("rlhf4j.quick");
            } else {
                System.setProperty("rlhf4j.quick", before);
            }
        }
    }

    @Test
    void atomicWriteLeavesNoTempFiles(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("x.txt");
        AtomicFiles.writeString(f, "one");
        AtomicFiles.writeString(f, "two");
        assertEquals("two", Files.readString(f));
        try (var files = Files.list(tmp)) {
            assertEquals(1, files.count());
        }
    }

    private static Map<String, Double> row(double step, double loss) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("step", step);
        m.put("loss", loss);
        return m;
    }
}
