package dev.rlhf4j.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlhf4j.feedback.FeedbackRecord;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sizing experiment's pool: ordered as a room fills, every task once before any twice, by two different people. */
class WorkshopSizingTest {

    @TempDir
    Path dir;

    @Test
    void thePoolCoversEveryTaskOnceBeforeAnyTwiceByTwoPeople() {
        List<FeedbackRecord> pool = WorkshopSizing.pool(12, 5, 4, WorkshopTraining.Settings.defaults(3));
        assertEquals(12, pool.size());
        List<String> first = pool.subList(0, 6).stream().map(FeedbackRecord::task).toList();
        assertEquals(6, new HashSet<>(first).size(), "the first 6 rankings are of 6 different tasks");
        assertEquals(first, pool.subList(6, 12).stream().map(FeedbackRecord::task).toList(), "then each again");
        for (int i = 0; i < 6; i++) {
            assertNotEquals(pool.get(i).rater(), pool.get(i + 6).rater(), "a task's two rankings are by two people");
            assertEquals(4, pool.get(i).k());
        }
        Set<String> ids = new HashSet<>();
        pool.forEach(r -> assertTrue(ids.add(r.id()), "ids are unique"));
        assertThrows(IllegalArgumentException.class,
                () -> WorkshopSizing.run(List.of(10), 5, 4, WorkshopTraining.Settings.defaults(3), dir, null));
    }
}
