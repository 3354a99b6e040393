package dev.rlhf4j.cli;

import dev.rlhf4j.core.Devices;
import dev.rlhf4j.core.Home;
import dev.rlhf4j.core.RunSize;
import dev.rlhf4j.model.Checkpoint;
import dev.rlhf4j.model.LanguageModel;
import dev.rlhf4j.pretrain.DomainAdaptation;
import dev.rlhf4j.world.Aspect;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rlhf4j adapt}: domain adaptation of a pretrained model to one aspect's reviews. */
@Command(name = "adapt", mixinStandardHelpOptions = true,
        description = "Fine-tune a pretrained model on one aspect's reviews; print held-out perplexity on that slice and the rest.")
public final class AdaptCommand implements Callable<Integer> {

    @Option(names = "--aspect", description = "food, service, ambience, price or wait (default: ${DEFAULT-VALUE})")
    String aspect = "service";

    @Option(names = "--checkpoint", description = "model to adapt (default: ${DEFAULT-VALUE})")
    String checkpoint = PipelineCommand.DEFAULT_CHECKPOINT;

    @Option(names = "--steps", description = "fine-tuning steps (default: 300, quick mode 40)")
    Integer steps;

    @Option(names = "--seed", description = "seed of the data order (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--out", description = "where to write the adapted checkpoint (default: ${DEFAULT-VALUE})")
    Path out = Path.of("runs", "adapt");

    @Option(names = "--data", description = "review corpus folder (default: ${DEFAULT-VALUE})")
    String data = "datasets/reviews";

    @Option(names = "--device", description = "auto, cpu or gpu (default: ${DEFAULT-VALUE})")
    String device = "auto";

    @Override
    public Integer call() {
        Aspect a = Aspect.fromLabel(aspect);
        int n = steps != null ? steps : RunSize.pick(300, 40);
        try (LanguageModel lm = Checkpoint.load(Home.resolve(checkpoint), Devices.resolve(device))) {
            DomainAdaptation.Result r;
            try (Progress progress = new Progress("adapt", n)) {
                r = DomainAdaptation.run(lm, Home.resolve(data), a, DomainAdaptation.recipe(n, seed),
                        (step, max, m) -> progress.update(step, String.format(Locale.ROOT, "loss %.3f", m.get("loss"))));
            }
            System.out.printf(Locale.ROOT, "fine-tuned %d steps on %,d %s reviews%n", n, r.trainReviews(), a.label());
            System.out.printf(Locale.ROOT, "held-out perplexity on %s reviews: %.3f -> %.3f%n", a.label(), r.sliceBefore(),
                    r.sliceAfter());
            System.out.printf(Locale.ROOT, "held-out perplexity on the rest:   %.3f -> %.3f%n", r.restBefore(), r.restAfter());
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("adaptedFrom", checkpoint);
            info.put("aspect", a.label());
            info.put("steps", n);
            info.put("slicePerplexity", r.sliceAfter());
            info.put("restPerplexity", r.restAfter());
            Checkpoint.save(lm, out, info);
            System.out.println("adapted checkpoint written to " + out);
        }
        return 0;
    }
}
