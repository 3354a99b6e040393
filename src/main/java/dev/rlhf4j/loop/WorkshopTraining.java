package dev.rlhf4j.loop;

import ai.djl.Device;
import com.google.gson.GsonBuilder;
import dev.rlhf4j.core.AtomicFiles;
import dev.rlhf4j.core.Devices;
import dev.rlhf4j.core.Home;
import dev.rlhf4j.core.Seeds;
import dev.rlhf4j.eval.Evaluation;
import dev.rlhf4j.feedback.Agreement;
import dev.rlhf4j.feedback.FeedbackLog;
import dev.rlhf4j.feedback.FeedbackRecord;
import dev.rlhf4j.feedback.Ranking;
import dev.rlhf4j.feedback.SimulatedFeedback;
import dev.rlhf4j.reward.RewardModel;
import dev.rlhf4j.text.Csv;
import dev.rlhf4j.world.ReviewPreference;
import dev.rlhf4j.model.Checkpoint;
import dev.rlhf4j.ppo.PpoConfig;
import dev.rlhf4j.ppo.PpoRun;
import dev.rlhf4j.pretrain.ModelCatalog;
import dev.rlhf4j.reward.RewardConfig;
import dev.rlhf4j.reward.RewardRun;
import dev.rlhf4j.reward.RewardTrainer;
import dev.rlhf4j.workshop.CompletionScorer;
import dev.rlhf4j.workshop.FeedbackStore;
import dev.rlhf4j.world.Prompt;
import dev.rlhf4j.world.ReviewWorld;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A workshop's training step: a reward model on everything the room has ranked so far (optionally
 * with the bundled simulated feedback), then PPO from the room's current policy with the KL penalty
 * to the initial model — the same {@link RewardRun} and {@link PpoRun} as every other stage. It reads
 * the store while the server runs, and writes {@code policy/} (the new policy), {@code reward/},
 * {@code ppo/} (PPO's metrics and charts), {@code feedback.jsonl} (what it trained on),
 * {@code raters.csv} (how much each person's taste counts) and {@code summary.json}.
 */
public final class WorkshopTraining {

    /**
     * The fewest rankings a round trains on: with K = 4 they give 300 comparisons, about where the
     * reward model's validation accuracy leaves chance (the notebook {@code 06-workshop} measures it).
     */
    public static final int MIN_RANKINGS = 50;

    private WorkshopTraining() {}

    /**
     * How a round trains.
     *
     * @param initial the initial model: the reward model's backbone and PPO's KL reference
     * @param from the policy PPO starts from; null = the policy the room ranked last (else the initial model)
     * @param withBundled also train the reward model on the bundled simulated feedback
     * @param data the corpus folder (prompts.csv)
     */
    public record Settings(Path initial, Path from, boolean withBundled, Path data, long seed, String device,
            RewardConfig reward, PpoConfig ppo) {

        /** The reward model's epochs in a round, quick mode included. */
        public static final int REWARD_EPOCHS = 4;

        /**
         * The bundled model and corpus, and every stage's defaults with one seed, except that the reward
         * model trains its full {@value #REWARD_EPOCHS} epochs in quick mode too: it is the cheap stage of a
         * round (about 15 s of a quick round's 45–55 on 2 cores). On one simulated room of 400 rankings, 2
         * epochs gave win rates of 0.74, 0.84 and 0.81 against the initial model for seeds 1–3; 4 epochs gave
         * 0.82–0.85 for seeds 1–5.
         */
        public static Settings defaults(long seed) {
            return new Settings(Home.resolve(ModelCatalog.DEFAULT_MODEL), null, false, Home.resolve("datasets/reviews"), seed,
                    "auto", RewardConfig.defaults(RewardConfig.Objective.BT).toBuilder().epochs(REWARD_EPOCHS).seed(seed).build(),
                    PpoConfig.defaults().toBuilder().seed(seed).build());
        }

        public Settings withFrom(Path policy) {
            return new Settings(initial, policy, withBundled, data, seed, device, reward, ppo);
        }

        public Settings withBundled(boolean on) {
            return new Settings(initial, from, on, data, seed, device, reward, ppo);
        }

        public Settings withInitial(Path model) {
            return new Settings(model, from, withBundled, data, seed, device, reward, ppo);
        }

        public Settings withPpo(PpoConfig c) {
            return new Settings(initial, from, withBundled, data, seed, device, reward, c);
        }

        public Settings withReward(RewardConfig c) {
            return new Settings(initial, from, withBundled, data, seed, device, c, ppo);
        }

        public Settings withDevice(String d) {
            return new Settings(initial, from, withBundled, data, seed, d, reward, ppo.toBuilder().device(d).build());
        }
    }

    /**
     * What a round's training gave.
     *
     * @param rankings the room's rankings it trained on (the bundled feedback not counted)
     * @param raters people who ranked them
     * @param raterAgreement the room's pairwise agreement on tasks several people ranked (NaN when none)
     * @param winRate the new policy against the initial model on held-out prompts, judged by the simulated human
     * @param klEnd PPO's KL to the initial model, mean of the last iterations
     * @param rewardEpochs the reward model's epochs (for {@code RewardReport}'s charts)
     * @param ppoMetrics PPO's metrics, one map per iteration (for {@code PpoReport}'s charts)
     */
    public record Result(int rankings, int raters, double valAccuracy, double raterAgreement, Evaluation.WinRate winRate,
            double klEnd, Path start, Path policy, double rewardSeconds, double ppoSeconds, List<Taste> tastes,
            List<RewardTrainer.Epoch> rewardEpochs, List<Map<String, Double>> ppoMetrics) {}

    /**
     * How much one person's taste counts: the share of completion pairs they order as the rest of the
     * room does (on tasks others ranked too), as the simulated human's noiseless taste does, and as
     * the reward model trained on the room does (NaN where there is nothing to compare).
     */
    public record Taste(String rater, int rankings, double withRoom, double withSimulatedHuman, double withRewardModel) {}

    /**
     * Trains on the rankings of the store's workshop {@code workshopId} (null: the newest), starting
     * PPO from the model the room's last ranking round sampled unless the settings name one.
     */
    public static Result train(FeedbackStore store, String workshopId, Settings s, Path out, Pipeline.Listener listener) {
        String id = workshopId != null ? workshopId : store.latestWorkshop()
                .orElseThrow(() -> new IllegalArgumentException("the store " + store + " holds no workshop yet")).id();
        FeedbackStore.Snapshot snapshot = store.load(id);
        Path from = s.from();
        if (from == null) {
            from = s.initial();
            for (FeedbackStore.Round r : snapshot.rounds()) {
                Path dir = Home.resolve(r.model());
                if (r.kind().equals(FeedbackStore.Round.RANK) && Files.isRegularFile(dir.resolve(Checkpoint.CONFIG))) {
                    from = dir;
                }
            }
        }
        return train(store.export(id), s.withFrom(from), out, listener);
    }

    /** Trains on {@code room}, the room's rankings. */
    public static Result train(List<FeedbackRecord> room, Settings s, Path out, Pipeline.Listener listener) {
        if (room.size() < MIN_RANKINGS) {
            throw new IllegalArgumentException("the workshop has " + room.size() + " rankings; a reward model needs at least "
                    + MIN_RANKINGS + " (with K = 4, " + MIN_RANKINGS * 6 + " comparisons) to learn more than chance"
                    + " — rank on, or add --with-bundled");
        }
        if (Files.exists(out.resolve("policy"))) {
            throw new IllegalArgumentException(out.resolve("policy") + " exists already: train each round into a new --out folder");
        }
        Pipeline.Listener l = listener != null ? listener : new Pipeline.Listener() {};
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + out, e);
        }
        Device device = Devices.resolve(s.device());
        List<Prompt> prompts = ReviewWorld.readPrompts(s.data().resolve("prompts.csv"));
        List<Prompt> train = prompts.stream().filter(p -> !p.heldOut()).toList();
        List<Prompt> heldOut = prompts.stream().filter(Prompt::heldOut).toList();
        Path start = s.from() != null ? s.from() : s.initial();

        List<FeedbackRecord> all = new ArrayList<>(room);
        if (s.withBundled()) {
            all.addAll(FeedbackLog.readStrict(Home.resolve(FeedbackLog.BUNDLED)));
        }
        FeedbackLog.write(all, out.resolve("feedback.jsonl"));

        l.stage("reward model on " + room.size() + " rankings of the room" + (s.withBundled() ? " and the bundled feedback" : ""));
        long t0 = System.nanoTime();
        RewardTrainer.Result rm = RewardRun.train(all, s.initial(), start, prompts, s.reward(), device, out.resolve("reward"),
                (epoch, epochs) -> l.rewardEpoch(epoch, epochs));
        double rewardSeconds = (System.nanoTime() - t0) / 1e9;

        l.stage("PPO from " + start + ", KL penalty to " + s.initial());
        long t1 = System.nanoTime();
        PpoRun.Result ppo = PpoRun.run(start, s.initial(), out.resolve("reward"), train, heldOut,
                s.ppo().toBuilder().seed(Seeds.child(s.seed(), "workshop-ppo")).build(), 0, out.resolve("ppo"),
                (it, steps, metrics, rollout) -> l.ppoStep(it, steps, metrics));
        double ppoSeconds = (System.nanoTime() - t1) / 1e9;
        // The new policy at the top of the round's folder, where `workshop round --policy DIR/policy` finds it.
        Path policy = out.resolve("policy");
        try {
            Files.move(ppo.policy(), policy, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move the policy to " + policy, e);
        }

        Set<String> raters = new TreeSet<>();
        room.forEach(r -> raters.add(r.rater()));
        List<Taste> tastes = tastes(room, prompts, out.resolve("reward"), device);
        Result r = new Result(room.size(), raters.size(), rm.validAccuracy(), Agreement.pooled(Agreement.betweenRaters(room)),
                ppo.winRate(), ppo.klMeanEnd(), start, policy, rewardSeconds, ppoSeconds, tastes, rm.epochs(), ppo.metrics());
        writeSummary(r, s, rm, out);
        StringBuilder csv = new StringBuilder("rater,rankings,with_room,with_simulated_human,with_reward_model\n");
        for (Taste t : tastes) {
            csv.append(Csv.row(t.rater(), t.rankings(), t.withRoom(), t.withSimulatedHuman(), t.withRewardModel())).append('\n');
        }
        AtomicFiles.writeString(out.resolve("raters.csv"), csv.toString());
        return r;
    }

    /**
     * The reward model a round trained, for the projector: {@code policy}'s sibling {@code reward/}
     * (as {@link #train} writes them), loaded as a scorer; null when there is none there.
     */
    public static CompletionScorer rewardModelNextTo(Path policy, Device device) {
        Path dir = policy.toAbsolutePath().normalize().getParent();
        if (dir == null || !Files.isRegularFile(dir.resolve("reward").resolve(Checkpoint.CONFIG))) {
            return null;
        }
        RewardModel rm = RewardModel.load(dir.resolve("reward"), device);
        return new CompletionScorer() {
            @Override
            public double[] score(String prompt, List<String> completions) {
                return rm.score(java.util.Collections.nCopies(completions.size(), prompt), completions);
            }

            @Override
            public void close() {
                rm.close();
            }
        };
    }

    /** Every rater's agreement with the room, the simulated human and the reward model in {@code rewardDir}. */
    public static List<Taste> tastes(List<FeedbackRecord> room, List<Prompt> prompts, Path rewardDir, Device device) {
        Map<String, Double> withRoom = Agreement.withRoom(Agreement.betweenRaters(room));
        Map<String, Agreement.RaterScore> simulated = new LinkedHashMap<>();
        for (Agreement.RaterScore r : Agreement.withReference(room,
                SimulatedFeedback.reference(ReviewPreference.defaults(), prompts))) {
            simulated.put(r.rater(), r);
        }
        Map<String, Agreement.RaterScore> model = new LinkedHashMap<>();
        try (RewardModel rm = RewardModel.load(rewardDir, device)) {
            for (Agreement.RaterScore r : Agreement.withReference(room, rec -> Ranking.fromScores(
                    rm.score(java.util.Collections.nCopies(rec.k(), rec.prompt()), rec.completions()), 1e-9))) {
                model.put(r.rater(), r);
            }
        }
        List<Taste> out = new ArrayList<>();
        for (Agreement.RaterScore sim : simulated.values()) {
            Agreement.RaterScore m = model.get(sim.rater());
            out.add(new Taste(sim.rater(), sim.tasks(), withRoom.getOrDefault(sim.rater(), Double.NaN),
                    sim.agreement(), m == null ? Double.NaN : m.agreement()));
        }
        return out;
    }

    private static void writeSummary(Result r, Settings s, RewardTrainer.Result rm, Path out) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rankings", r.rankings());
        m.put("raters", r.raters());
        m.put("with_bundled", s.withBundled());
        m.put("val_accuracy", r.valAccuracy());
        m.put("rater_ceiling", rm.valid().ceiling());
        m.put("rater_agreement", r.raterAgreement());
        m.put("win_rate_vs_initial", r.winRate().rate());
        m.put("win_rate_lower", r.winRate().lower());
        m.put("win_rate_upper", r.winRate().upper());
        m.put("win_rate_comparisons", r.winRate().comparisons());
        m.put("kl_end", r.klEnd());
        m.put("start", r.start().toString());
        m.put("policy", r.policy().toString());
        m.put("reward_seconds", r.rewardSeconds());
        m.put("ppo_seconds", r.ppoSeconds());
        m.put("seed", s.seed());
        AtomicFiles.writeString(out.resolve("summary.json"),
                new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(m) + "\n");
    }
}
