package dev.rlhf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The wall time {@code rlhf4j pipeline} prints at the end (the report's durations read the same way). */
class PipelineCommandTest {

    @Test
    void wallTimeReadsAsAPersonWouldSayIt() {
        assertEquals("42 s", PipelineReport.clock(42.0));
        assertEquals("0 s", PipelineReport.clock(0.25));
        assertEquals("119 s", PipelineReport.clock(119.4));
        assertEquals("2 min 00 s", PipelineReport.clock(119.6));
        assertEquals("2 min 21 s", PipelineReport.clock(141.4));
        assertEquals("63 min 20 s", PipelineReport.clock(3800));
    }
}
