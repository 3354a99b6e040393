package dev.rlhf4j.model;

import dev.rlhf4j.text.Tokenizer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/** A tokenizer over ids "t0".."t{n-1}" (0 pad, 1 bos, 2 eos, 3 unk) for model tests. */
final class FakeTokenizer implements Tokenizer {

    private final int size;

    FakeTokenizer(int size) {
        this.size = size;
    }

    @Override
    public int[] encode(String text) {
        return Arrays.stream(text.trim().split("\\s+")).mapToInt(w -> Integer.parseInt(w.substring(1))).toArray();
    }

    @Override
    public String decode(int[] ids) {
        return Arrays.stream(ids).filter(i -> i > 2).mapToObj(this::token).collect(Collectors.joining(" "));
    }

    @Override
    public String token(int id) {
        return "t" + id;
    }

    @Override
    public int vocabSize() {
        return size;
    }

    @Override
    public int bosId() {
        return 1;
    }

    @Override
    public int eosId() {
        return 2;
    }

    @Override
    public int padId() {
        return 0;
    }

    @Override
    public int unkId() {
        return 3;
    }

    @Override
    public void save(Path dir) {
        throw new UnsupportedOperationException("FakeTokenizer is not saved");
    }
}
