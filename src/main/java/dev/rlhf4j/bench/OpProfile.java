package dev.rlhf4j.bench;

import ai.djl.pytorch.jni.JniUtils;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where the time of a piece of work goes, from libtorch's own profiler (started through DJL's
 * {@link JniUtils#startProfile}): how many native ops Java called, how long they ran, and which ops
 * dominate by self time. Wall time minus the time inside top-level native ops is what Java, JNI
 * and DJL's bookkeeping cost. The profiler itself adds a few microseconds per op, so absolute times
 * run a little high.
 */
public final class OpProfile {

    /**
     * One op name's share.
     *
     * @param selfMsPerRep time in this op minus its children, per repetition
     * @param callsPerRep calls per repetition (all nesting levels)
     * @param topLevelCallsPerRep calls made directly from Java (not from another op) per repetition
     */
    public record Op(String name, double selfMsPerRep, double callsPerRep, double topLevelCallsPerRep) {}

    /**
     * @param reps repetitions profiled
     * @param wallMsPerRep wall time per repetition, profiler on
     * @param nativeMsPerRep time inside top-level native ops per repetition
     * @param topLevelOpsPerRep native ops called from Java per repetition
     * @param top the ops with the most self time
     * @param trace the chrome-trace file (open in chrome://tracing or Perfetto)
     */
    public record Summary(int reps, double wallMsPerRep, double nativeMsPerRep, double topLevelOpsPerRep,
            List<Op> top, String trace) {

        /** Share of the wall time spent outside native ops (Java, JNI, DJL). */
        public double outsideNativeShare() {
            return wallMsPerRep <= 0 ? 0 : Math.max(0, 1 - nativeMsPerRep / wallMsPerRep);
        }

        /** A short text report. */
        public String table() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT,
                    "profile of %d reps: %.1f ms wall/rep, %.1f ms in %.0f top-level native ops/rep, "
                            + "%.0f%% outside native ops (Java + JNI + DJL)%n",
                    reps, wallMsPerRep, nativeMsPerRep, topLevelOpsPerRep, 100 * outsideNativeShare()));
            sb.append(String.format(Locale.ROOT, "%-36s %10s %10s %10s%n", "op", "self ms", "calls", "from Java"));
            for (Op op : top) {
                sb.append(String.format(Locale.ROOT, "%-36s %10.2f %10.1f %10.1f%n", op.name(), op.selfMsPerRep(),
                        op.callsPerRep(), op.topLevelCallsPerRep()));
            }
            return sb.toString();
        }
    }

    private OpProfile() {}

    /** Runs {@code work} {@code reps} times under libtorch's profiler and summarises the trace. */
    public static Summary profile(Runnable work, int reps, Path trace, int topN) {
        try {
            Files.createDirectories(trace.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JniUtils.startProfile(false, true, false);
        long t0 = System.nanoTime();
        long t1;
        try {
            for (int i = 0; i < reps; i++) {
                work.run();
            }
            t1 = System.nanoTime();
        } finally {
            JniUtils.stopProfile(trace.toString());
        }
        return summarise(trace, reps, (t1 - t0) / 1e6 / reps, topN);
    }

    /** Summarises a chrome trace written by libtorch's profiler. */
    static Summary summarise(Path trace, int reps, double wallMsPerRep, int topN) {
        JsonElement root;
        try (Reader r = Files.newBufferedReader(trace)) {
            root = JsonParser.parseReader(r);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the profiler trace " + trace, e);
        }
        JsonArray events = root.isJsonArray() ? root.getAsJsonArray()
                : root.getAsJsonObject().getAsJsonArray("traceEvents");
        Map<String, List<double[]>> byThread = new HashMap<>(); // tid → {ts, dur, nameIndex}
        List<String> names = new ArrayList<>();
        Map<String, Integer> nameIndex = new HashMap<>();
        for (JsonElement el : events) {
            JsonObject e = el.getAsJsonObject();
            if (!e.has("ph") || !"X".equals(e.get("ph").getAsString()) || !e.has("dur")) {
                continue;
            }
            String name = e.get("name").getAsString();
            int idx = nameIndex.computeIfAbsent(name, n -> {
                names.add(n);
                return names.size() - 1;
            });
            String tid = e.has("tid") ? e.get("tid").getAsString() : "0";
            byThread.computeIfAbsent(tid, k -> new ArrayList<>())
                    .add(new double[] {e.get("ts").getAsDouble(), e.get("dur").getAsDouble(), idx});
        }
        double[] self = new double[names.size()];
        double[] calls = new double[names.size()];
        double[] topCalls = new double[names.size()];
        double topLevelUs = 0;
        double topLevelOps = 0;
        for (List<double[]> evs : byThread.values()) {
            evs.sort(Comparator.<double[]>comparingDouble(a -> a[0]).thenComparingDouble(a -> -a[1]));
            Deque<double[]> stack = new ArrayDeque<>(); // {end, nameIndex}
            for (double[] ev : evs) {
                double end = ev[0] + ev[1];
                while (!stack.isEmpty() && stack.peek()[0] <= ev[0]) {
                    stack.pop();
                }
                int idx = (int) ev[2];
                calls[idx]++;
                self[idx] += ev[1];
                if (stack.isEmpty()) {
                    topCalls[idx]++;
                    topLevelUs += ev[1];
                    topLevelOps++;
                } else {
                    self[(int) stack.peek()[1]] -= ev[1];
                }
                stack.push(new double[] {end, idx});
            }
        }
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            ops.add(new Op(names.get(i), self[i] / 1e3 / reps, calls[i] / reps, topCalls[i] / reps));
        }
        ops.sort(Comparator.comparingDouble(Op::selfMsPerRep).reversed());
        return new Summary(reps, wallMsPerRep, topLevelUs / 1e3 / reps, topLevelOps / reps,
                List.copyOf(ops.subList(0, Math.min(topN, ops.size()))), trace.toString());
    }
}
