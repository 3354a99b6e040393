package dev.rlhf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The wall time {@code rlhf4j pipeline} prints at the end. */
class PipelineCommandTest {

    @Test
    void wallTimeReadsAsAPersonWouldSayIt() {
        assertEquals("42.0 s", PipelineCommand.wallTime(42_000_000_000L));
        assertEquals("0.3 s", PipelineCommand.wallTime(250_000_000L));
        assertEquals("1 min 00 s", PipelineCommand.wallTime(59_960_000_000L));
        assertEquals("2 min 21 s", PipelineCommand.wallTime(141_400_000_000L));
        assertEquals("59 min 59 s", PipelineCommand.wallTime(3_599_000_000_000L));
        assertEquals("1 h 03 min", PipelineCommand.wallTime(3_800_000_000_000L));
    }
}
