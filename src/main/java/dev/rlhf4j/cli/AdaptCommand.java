package dev.rlhf4j.cli;

import dev.rlhf4j.core.RunSize;
import dev.rlhf4j.model.Checkpoint;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.pretrain.DomainAdaptation;
import dev.rlhf4j.world.Aspect;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rlhf4j adapt}: domain adaptation of a pretrained model to one aspect's reviews. */
@Command(name = "adapt", mixinStandardHelpOptions = true,
        description = "Fine-tune a pretrained model on one aspect's reviews; print held-out perplexity on that slice and the rest.")
public final class AdaptCommand implements Callable<Integer> {

    @Option(names = "--aspect", description = "food, service, ambience, price or wait (default: ${DEFAULT-VALUE})")
    String aspect = "service";

    @Option(names = "--steps", description = "fine-tuning steps (default: 300, quick mode 40)")
    Integer steps;

    @Mixin
    ModelOptions model;

    @Mixin
    DataOptions data;

    @Mixin
    RunOptions run;

    @Mixin
    OutputOptions output = new OutputOptions("runs/adapt");

    @Override
    public Integer call() {
        Aspect a = Aspect.fromLabel(aspect);
        int n = steps != null ? steps : RunSize.pick(300, 40);
        try (LanguageModel lm = Checkpoint.load(model.dir(), run.resolveDevice())) {
            DomainAdaptation.Result r;
            try (Progress progress = new Progress("adapt", n)) {
                r = DomainAdaptation.run(lm, data.dir(), a, DomainAdaptation.recipe(n, run.seed),
                        (step, max, m) -> progress.update(step, String.format(Locale.ROOT, "loss %.3f", m.get("loss"))));
            }
            System.out.printf(Locale.ROOT, "fine-tuned %d steps on %,d %s reviews%n", n, r.trainReviews(), a.label());
            System.out.printf(Locale.ROOT, "held-out perplexity on %s reviews: %.3f -> %.3f%n", a.label(), r.sliceBefore(),
                    r.sliceAfter());
            System.out.printf(Locale.ROOT, "held-out perplexity on the rest:   %.3f -> %.3f%n", r.restBefore(), r.restAfter());
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("adaptedFrom", model.checkpoint);
            info.put("aspect", a.label());
            info.put("steps", n);
            info.put("slicePerplexity", r.sliceAfter());
            info.put("restPerplexity", r.restAfter());
            Checkpoint.save(lm, output.out, info);
            System.out.println("adapted checkpoint written to " + output.out);
        }
        return 0;
    }
}
