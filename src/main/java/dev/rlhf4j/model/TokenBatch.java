package dev.rlhf4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;

/**
 * A batch of token sequences of different lengths laid out as one {@code [B, T]} grid, with the
 * sequence each slot belongs to (or none: padding). Three layouts:
 *
 * <ul>
 *   <li>{@link #leftPadded}: one sequence per row, padding on the left (prompts for generation, so
 *       every row's next token goes in the same column);</li>
 *   <li>{@link #rightPadded}: one sequence per row, padding on the right;</li>
 *   <li>{@link #packed}: several short sequences side by side in one row (first-fit decreasing, rows
 *       as long as the longest sequence or twice that). Scoring costs what the grid costs, so packing
 *       a batch of mixed lengths into fewer rows does the same work on fewer padding slots.</li>
 * </ul>
 *
 * <p>{@link #toInputs(NDManager)} gives the model's three inputs: ids, positions (a token's index
 * within its own sequence, so neither padding nor a neighbour changes anything) and the additive
 * attention bias: a token attends to the earlier tokens of its own sequence only, so every sequence
 * is scored as if it were alone; a padding slot attends to the real tokens before it (its output is
 * never read, and its softmax stays finite). {@link #slot} and {@link #nextTokenIndex} say where a
 * sequence's tokens and next-token predictions are in the grid, whatever the layout.
 */
public final class TokenBatch {

    private final long[] ids; // [B*T]
    private final int[] segment; // [B*T]: the sequence a slot belongs to, -1 for padding
    private final int[] rowOf; // per sequence
    private final int[] offsetOf; // per sequence: its first slot's column
    private final int[] lengthOf; // per sequence
    private final int batch;
    private final int length;

    private TokenBatch(long[] ids, int[] segment, int[] rowOf, int[] offsetOf, int[] lengthOf, int batch, int length) {
        this.ids = ids;
        this.segment = segment;
        this.rowOf = rowOf;
        this.offsetOf = offsetOf;
        this.lengthOf = lengthOf;
        this.batch = batch;
        this.length = length;
    }

    /** Pads every sequence on the left with {@code padId} to the longest length, one per row. */
    public static TokenBatch leftPadded(List<int[]> seqs, int padId) {
        int t = longest(seqs);
        int[] rows = new int[seqs.size()];
        int[] offsets = new int[seqs.size()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = i;
            offsets[i] = t - seqs.get(i).length;
        }
        return layout(seqs, padId, rows, offsets, rows.length, t);
    }

    /** Pads every sequence on the right with {@code padId} to the longest length, one per row. */
    public static TokenBatch rightPadded(List<int[]> seqs, int padId) {
        int t = longest(seqs);
        int[] rows = new int[seqs.size()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = i;
        }
        return layout(seqs, padId, rows, new int[seqs.size()], rows.length, t);
    }

    /**
     * Packs the sequences into rows, longest first, each into the first row with room (first-fit
     * decreasing), the rest of a row padded with {@code padId} on the right. Rows are as long as the
     * longest sequence or twice that, whichever gives the cheaper grid: a grid of R rows of W slots
     * costs about R·W·(1 + W/(6·E)), the linear layers' 12·E² multiply-adds per slot plus attention's
     * 2·W·E (E = {@code modelWidth}, the model's embedding width). Sequences of one length keep one per
     * row, in order: the same grid as {@link #rightPadded}.
     */
    public static TokenBatch packed(List<int[]> seqs, int padId, int modelWidth) {
        int t = longest(seqs);
        int[][] one = firstFitDecreasing(seqs, t);
        int[][] two = firstFitDecreasing(seqs, 2 * t);
        double costOne = one[2][0] * (double) t * (1 + t / (6.0 * modelWidth));
        double costTwo = two[2][0] * (2.0 * t) * (1 + 2.0 * t / (6.0 * modelWidth));
        return costTwo < costOne ? layout(seqs, padId, two[0], two[1], two[2][0], 2 * t)
                : layout(seqs, padId, one[0], one[1], one[2][0], t);
    }

    /** {@code {row of each sequence, its first column, {rows}}} for rows of {@code t} slots. */
    private static int[][] firstFitDecreasing(List<int[]> seqs, int t) {
        Integer[] order = new Integer[seqs.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(seqs.get(b).length, seqs.get(a).length)); // stable
        int[] rows = new int[seqs.size()];
        int[] offsets = new int[seqs.size()];
        int[] used = new int[seqs.size()]; // slots used per row; at most one row per sequence
        int n = 0;
        for (int i : order) {
            int len = seqs.get(i).length;
            int r = 0;
            while (r < n && used[r] + len > t) {
                r++;
            }
            n = Math.max(n, r + 1);
            rows[i] = r;
            offsets[i] = used[r];
            used[r] += len;
        }
        return new int[][] {rows, offsets, {n}};
    }

    private static int longest(List<int[]> seqs) {
        if (seqs.isEmpty()) {
            throw new IllegalArgumentException("TokenBatch: expected at least one sequence, found none");
        }
        int t = 0;
        for (int[] s : seqs) {
            t = Math.max(t, s.length);
        }
        if (t == 0) {
            throw new IllegalArgumentException("TokenBatch: every sequence is empty");
        }
        return t;
    }

    private static TokenBatch layout(List<int[]> seqs, int padId, int[] rows, int[] offsets, int b, int t) {
        long[] ids = new long[b * t];
        int[] segment = new int[b * t];
        Arrays.fill(ids, padId);
        Arrays.fill(segment, -1);
        int[] lengths = new int[seqs.size()];
        for (int i = 0; i < lengths.length; i++) {
            int[] s = seqs.get(i);
            lengths[i] = s.length;
            int base = rows[i] * t + offsets[i];
            for (int j = 0; j < s.length; j++) {
                ids[base + j] = s[j];
                segment[base + j] = i;
            }
        }
        return new TokenBatch(ids, segment, rows, offsets, lengths, b, t);
    }

    /** Rows (B). */
    public int batchSize() {
        return batch;
    }

    /** Columns (T). */
    public int length() {
        return length;
    }

    /** Number of sequences (the rows, unless packed). */
    public int sequences() {
        return rowOf.length;
    }

    /** Token id at row r, column j. */
    public long id(int r, int j) {
        return ids[r * length + j];
    }

    /** Whether row r, column j holds a real token. */
    public boolean isValid(int r, int j) {
        return segment[r * length + j] >= 0;
    }

    /** Flat index in the {@code [B, T]} grid of token {@code j} of sequence {@code i}. */
    public int slot(int i, int j) {
        return rowOf[i] * length + offsetOf[i] + j;
    }

    /**
     * Flat index in the {@code [B, T-1]} next-token grid (position p scores the token in column p+1,
     * as {@link LogProbs} lays it out) of the prediction of token {@code j+1} of sequence {@code i},
     * for j = 0 … length(i) − 2.
     */
    public int nextTokenIndex(int i, int j) {
        return rowOf[i] * (length - 1) + offsetOf[i] + j;
    }

    /**
     * Which positions of the {@code [B, T-1]} next-token grid score a completion token, sequence i
     * being {@code prompts[i] ++ completions[i]} (the order the batch was made in): its completion is
     * predicted at j = |prompt| − 1 … |prompt| + |completion| − 2. 1 there, 0 elsewhere (prompts,
     * padding, a row's boundaries between sequences), flattened row by row.
     */
    public float[] completionMask(List<int[]> prompts, List<int[]> completions) {
        float[] mask = new float[batch * (length - 1)];
        for (int[] positions : completionIndices(prompts, completions)) {
            for (int j : positions) {
                mask[j] = 1f;
            }
        }
        return mask;
    }

    /**
     * A {@code [N, B·(T-1)]} matrix whose row i is sequence i's {@link #completionMask}: multiplied with
     * a flattened {@code [B, T-1]} next-token array it sums each completion, {@code [N]}, whatever
     * rows the sequences share.
     */
    public float[] completionSelector(List<int[]> prompts, List<int[]> completions) {
        int grid = batch * (length - 1);
        int[][] indices = completionIndices(prompts, completions);
        float[] select = new float[indices.length * grid];
        for (int i = 0; i < indices.length; i++) {
            for (int j : indices[i]) {
                select[i * grid + j] = 1f;
            }
        }
        return select;
    }

    /**
     * Each sequence's completion positions of a flat {@code [B, T-1]} next-token array (see
     * {@link #completionMask}), one entry per completion token, in the order the batch was made in.
     */
    public double[][] completionRows(float[] flat, List<int[]> prompts, List<int[]> completions) {
        int[][] indices = completionIndices(prompts, completions);
        double[][] out = new double[indices.length][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new double[indices[i].length];
            for (int t = 0; t < out[i].length; t++) {
                out[i][t] = flat[indices[i][t]];
            }
        }
        return out;
    }

    /**
     * Flat index in the {@code [B, T]} grid of the position that predicts each completion token, sequence
     * i being {@code prompts[i] ++ completions[i]}: sequence by sequence, token by token. The hidden
     * states at these slots are all a scorer of completions needs (the LM head and softmax then run
     * on completion positions only).
     */
    public long[] completionSlots(List<int[]> prompts, List<int[]> completions) {
        int n = 0;
        for (int[] c : completions) {
            n += c.length;
        }
        long[] slots = new long[n];
        int k = 0;
        for (int i = 0; i < prompts.size(); i++) {
            int start = prompts.get(i).length - 1;
            for (int t = 0; t < completions.get(i).length; t++) {
                slots[k++] = slot(i, start + t);
            }
        }
        return slots;
    }

    /** Per sequence, the {@link #nextTokenIndex} of each completion token's prediction: j = |prompt| − 1 + t. */
    private int[][] completionIndices(List<int[]> prompts, List<int[]> completions) {
        int[][] out = new int[prompts.size()][];
        for (int i = 0; i < out.length; i++) {
            int start = prompts.get(i).length - 1;
            out[i] = new int[completions.get(i).length];
            for (int t = 0; t < out[i].length; t++) {
                out[i][t] = nextTokenIndex(i, start + t);
            }
        }
        return out;
    }

    /** Position of each slot: its token's index within its own sequence (0 for padding). */
    public long[] positions() {
        long[] pos = new long[batch * length];
        for (int i = 0; i < rowOf.length; i++) {
            int base = rowOf[i] * length + offsetOf[i];
            for (int j = 0; j < lengthOf[i]; j++) {
                pos[base + j] = j;
            }
        }
        return pos;
    }

    /**
     * The additive attention bias {@code [B,1,T,T]}: query slot i attends to key slot j iff j ≤ i, slot
     * j is real, and both hold the same sequence or slot i is padding.
     */
    float[] bias() {
        float[] bias = new float[batch * length * length];
        float masked = Gpt.maskedFill();
        for (int r = 0; r < batch; r++) {
            for (int i = 0; i < length; i++) {
                int q = segment[r * length + i];
                int row = (r * length + i) * length;
                for (int j = 0; j < length; j++) {
                    int k = segment[r * length + j];
                    if (j > i || k < 0 || (q >= 0 && k != q)) {
                        bias[row + j] = masked;
                    }
                }
            }
        }
        return bias;
    }

    /** The model inputs {@code [ids [B,T], positions [B,T], bias [B,1,T,T]]} in {@code manager}. */
    public NDList toInputs(NDManager manager) {
        NDArray idArr = manager.create(ids, new Shape(batch, length));
        NDArray posArr = manager.create(positions(), new Shape(batch, length));
        return new NDList(idArr, posArr, manager.create(bias(), new Shape(batch, 1, length, length)));
    }
}
