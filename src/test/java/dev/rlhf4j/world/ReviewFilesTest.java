package dev.rlhf4j.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the dataset files back, and the errors on malformed rows. */
class ReviewFilesTest {

    private static final String REVIEWS_HEADER =
            "id,split,aspect,sentiment,rude,specific,repetition,drift,unended,words,text";

    @TempDir
    Path dir;

    private Path write(String name, String... lines) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, String.join("\n", lines) + "\n");
        return file;
    }

    private static void assertError(Path file, String expected, Runnable read) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, read::run);
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void readsPromptsAndReviews() throws Exception {
        write("prompts.csv", "id,prompt,aspect,split", "p001,the pasta was,food,train",
                "p002,our server,service,heldout");
        Path csv = write("reviews.csv", REVIEWS_HEADER,
                "r00001,train,food,1,false,false,false,false,false,6,\"the pasta was good, "
                        + "really good.\"");
        List<Prompt> prompts = ReviewWorld.readPrompts(dir.resolve("prompts.csv"));
        assertEquals(new Prompt("p002", "our server", Aspect.SERVICE, true), prompts.get(1));
        Review r = ReviewWorld.readReviews(csv).get(0);
        assertEquals("the pasta was good, really good.", r.text());
        assertEquals("the pasta was", r.prompt());
        assertEquals("good, really good.", r.completion());
    }

    @Test
    void badPromptRowsNameFileLineAndField() throws Exception {
        Path file = write("prompts.csv", "id,prompt,aspect,split", "p001,the pasta was,food,train",
                "p002,our server,drinks,train");
        assertError(file, "line 3: field 'aspect': expected one of food, service, ambience,"
                + " price, wait, found 'drinks'", () -> ReviewWorld.readPrompts(file));
        write("prompts.csv", "id,prompt,aspect,split", "p001,the pasta was,food,test");
        assertError(file, "line 2: field 'split': expected 'train' or 'heldout', found 'test'",
                () -> ReviewWorld.readPrompts(file));
        write("prompts.csv", "id,prompt,split", "p001,the pasta was,train");
        assertError(file, "line 1: expected the header 'id,prompt,aspect,split'",
                () -> ReviewWorld.readPrompts(file));
        write("prompts.csv", "id,prompt,aspect,split", "p001,the pasta was,food");
        assertError(file, "line 2: expected 4 fields", () -> ReviewWorld.readPrompts(file));
        write("prompts.csv", "id,prompt,aspect,split", "p001,\"the pasta was,food,train");
        assertError(file, "line 2: expected a closing quote", () -> ReviewWorld.readPrompts(file));
    }

    @Test
    void badReviewRowsNameFileLineAndField() throws Exception {
        write("prompts.csv", "id,prompt,aspect,split", "p001,the pasta was,food,train");
        Path csv = write("reviews.csv", REVIEWS_HEADER,
                "r00001,train,food,3,false,false,false,false,false,8,the pasta was good and fine.");
        assertError(csv, "line 2: field 'sentiment': expected an integer in -2..2, found '3'",
                () -> ReviewWorld.readReviews(csv));
        write("reviews.csv", REVIEWS_HEADER,
                "r00001,train,food,1,yes,false,false,false,false,8,the pasta was good and fine.");
        assertError(csv, "field 'rude': expected 'true' or 'false', found 'yes'",
                () -> ReviewWorld.readReviews(csv));
        write("reviews.csv", REVIEWS_HEADER,
                "r00001,train,food,1,false,false,false,false,false,9,the pasta was good and fine.");
        assertError(csv, "field 'words'", () -> ReviewWorld.readReviews(csv));
        write("reviews.csv", REVIEWS_HEADER,
                "r00001,train,food,1,false,false,false,false,false,6,our bill was good and fine.");
        assertError(csv, "field 'text': expected a review starting with a prompt",
                () -> ReviewWorld.readReviews(csv));
    }

    @Test
    void missingFileIsNamed() {
        Path missing = dir.resolve("nope.txt");
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> ReviewWorld.readLines(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }
}
