package dev.rlhf4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * A batch of token sequences of different lengths laid out as one {@code [B, T]} grid, with a flag
 * per slot saying whether it holds a real token. Sequences are padded on the left (prompts for
 * generation, so every row's next token goes in the same column) or on the right (scoring).
 *
 * <p>{@link #toInputs(NDManager)} gives the model's three inputs: ids, positions (a real token's
 * index within its own sequence, so padding changes nothing) and the additive attention bias
 * (query slot i may attend to key slot j iff j ≤ i and slot j is real).
 */
public final class TokenBatch {

    private final long[] ids; // [B*T]
    private final boolean[] valid; // [B*T]
    private final int batch;
    private final int length;

    private TokenBatch(long[] ids, boolean[] valid, int batch, int length) {
        this.ids = ids;
        this.valid = valid;
        this.batch = batch;
        this.length = length;
    }

    /** Pads every sequence on the left with {@code padId} to the longest length. */
    public static TokenBatch leftPadded(List<int[]> seqs, int padId) {
        return padded(seqs, padId, true);
    }

    /** Pads every sequence on the right with {@code padId} to the longest length. */
    public static TokenBatch rightPadded(List<int[]> seqs, int padId) {
        return padded(seqs, padId, false);
    }

    private static TokenBatch padded(List<int[]> seqs, int padId, boolean left) {
        if (seqs.isEmpty()) {
            throw new IllegalArgumentException("TokenBatch: expected at least one sequence, found none");
        }
        int b = seqs.size();
        int t = 0;
        for (int[] s : seqs) {
            t = Math.max(t, s.length);
        }
        if (t == 0) {
            throw new IllegalArgumentException("TokenBatch: every sequence is empty");
        }
        long[] ids = new long[b * t];
        boolean[] valid = new boolean[b * t];
        for (int r = 0; r < b; r++) {
            int[] s = seqs.get(r);
            int offset = left ? t - s.length : 0;
            for (int j = 0; j < t; j++) {
                int k = j - offset;
                boolean real = k >= 0 && k < s.length;
                ids[r * t + j] = real ? s[k] : padId;
                valid[r * t + j] = real;
            }
        }
        return new TokenBatch(ids, valid, b, t);
    }

    /** Rows (B). */
    public int batchSize() {
        return batch;
    }

    /** Columns (T). */
    public int length() {
        return length;
    }

    /** Token id at row r, column j. */
    public long id(int r, int j) {
        return ids[r * length + j];
    }

    /** Whether row r, column j holds a real token. */
    public boolean isValid(int r, int j) {
        return valid[r * length + j];
    }

    /** Position of each slot: its index among the real tokens of its row (0 for padding). */
    public long[] positions() {
        long[] pos = new long[batch * length];
        for (int r = 0; r < batch; r++) {
            long n = 0;
            for (int j = 0; j < length; j++) {
                int i = r * length + j;
                pos[i] = valid[i] ? n++ : 0;
            }
        }
        return pos;
    }

    /** The model inputs {@code [ids [B,T], positions [B,T], bias [B,1,T,T]]} in {@code manager}. */
    public NDList toInputs(NDManager manager) {
        NDArray idArr = manager.create(ids, new Shape(batch, length));
        NDArray posArr = manager.create(positions(), new Shape(batch, length));
        return new NDList(idArr, posArr, AttentionMask.bias(manager, valid, batch, length, 0, length));
    }
}
