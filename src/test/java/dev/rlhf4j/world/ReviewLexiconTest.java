package dev.rlhf4j.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReviewLexiconTest {

    private final ReviewLexicon lex = ReviewLexicon.standard();

    @Test
    void wordsSignalTheirAspect() {
        assertEquals(Optional.of(Aspect.FOOD), lex.aspectOf("pasta"));
        assertEquals(Optional.of(Aspect.SERVICE), lex.aspectOf("Waitress"));
        assertEquals(Optional.of(Aspect.AMBIENCE), lex.aspectOf("music"));
        assertEquals(Optional.of(Aspect.PRICE), lex.aspectOf("bill"));
        assertEquals(Optional.of(Aspect.WAIT), lex.aspectOf("waited"));
        assertEquals(Optional.empty(), lex.aspectOf("the"));
    }

    @Test
    void sentimentWordsHaveAStrength() {
        assertEquals(2, lex.sentiment("amazing"));
        assertEquals(1, lex.sentiment("friendly"));
        assertEquals(0, lex.sentiment("okay"));
        assertEquals(-1, lex.sentiment("bland"));
        assertEquals(-2, lex.sentiment("awful"));
        assertEquals(-2, lex.sentiment("rude"));
        assertEquals(0, lex.sentiment("pasta"));
        assertTrue(lex.adjectives(Aspect.PRICE, -1).contains("overpriced"));
    }

    @Test
    void rudeSpecificAndDriftWords() {
        assertTrue(lex.isRude("idiots"));
        assertTrue(lex.isRude("clowns"));
        assertTrue(lex.isRude("damn"));
        assertFalse(lex.isRude("rude"));
        assertTrue(lex.isSpecific("truffle"));
        assertTrue(lex.isSpecific("twenty"));
        assertTrue(lex.isSpecific("risotto"));
        assertFalse(lex.isSpecific("food"));
        assertTrue(lex.isDrift("cousin"));
        assertTrue(lex.isDrift("parking"));
        assertFalse(lex.isDrift("pasta"));
        assertTrue(ReviewLexicon.isCleanEnding("."));
        assertTrue(ReviewLexicon.isCleanEnding("!"));
        assertFalse(ReviewLexicon.isCleanEnding("?"));
        assertFalse(ReviewLexicon.isCleanEnding("was"));
    }

    @Test
    void signalsOfAHandWrittenReview() {
        ReviewSignals s = ReviewSignals.read(
                "The pasta was amazing, but our server was slow. My cousin says hi. We will be");
        assertEquals(16, s.words());
        assertEquals(1, s.aspectCounts().get(Aspect.FOOD));
        assertEquals(1, s.aspectCounts().get(Aspect.SERVICE));
        assertEquals(1, s.sentimentSum());
        assertEquals(2, s.sentiment());
        assertEquals(List.of("pasta"), s.specificWords());
        assertEquals(List.of("cousin"), s.driftWords());
        assertFalse(s.rude());
        assertFalse(s.repetition());
        assertFalse(s.cleanEnding());
        assertEquals(Optional.empty(), s.mainAspect());
    }

    @Test
    void judgedSentimentIsTheStrongestWordOfTheWinningSign() {
        assertEquals(0, ReviewSignals.read("good but bland.").sentiment());
        assertEquals(-1, ReviewSignals.read("bland and cold, but good.").sentiment());
        assertEquals(-2, ReviewSignals.read("awful and bland.").sentiment());
        assertEquals(1, ReviewSignals.read("good.").sentiment());
    }

    @Test
    void repetitionIsAStutterOrARepeatedPhrase() {
        assertTrue(ReviewSignals.read("good good good.").repetition());
        assertTrue(ReviewSignals.read("slow, slow, slow.").repetition());
        assertTrue(ReviewSignals.read("the food was good and the food was good.").repetition());
        assertFalse(ReviewSignals.read("the food was good and the sauce was good.").repetition());
    }
}
