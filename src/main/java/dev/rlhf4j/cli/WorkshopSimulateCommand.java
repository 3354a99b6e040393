package dev.rlhf4j.cli;

import dev.rlhf4j.workshop.SimulatedRoom;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rlhf4j workshop simulate}: a room of simulated people ranking on a running workshop server
 * over its HTTP API ({@link SimulatedRoom}), with the figures a load test wants.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Simulated people use a running workshop server as the ranking page does: join, get a task,",
            "rank it with a simulated rater's taste, post it (retried with the same idempotency key on 503, 429 and",
            "broken connections). Prints the acknowledged rankings, errors by kind, rankings/s and the p50/p99",
            "latency of the posts; exits 1 when fewer than --rankings were acknowledged."})
public final class WorkshopSimulateCommand implements Callable<Integer> {

    @Option(names = "--url", required = true, description = "the server, e.g. http://127.0.0.1:7070/ (a ?code= in it is used)")
    String url;

    @Option(names = "--code", description = "the join code (default: the one in --url)")
    String code = "";

    @Option(names = "--raters", description = "simulated people (default: ${DEFAULT-VALUE})")
    int raters = 20;

    @Option(names = "--rankings", description = "rankings to get acknowledged, in total (default: ${DEFAULT-VALUE})")
    int rankings = 400;

    @Option(names = "--concurrency", description = "concurrent connections, at most --raters (default: --raters)")
    Integer concurrency;

    @Option(names = "--seed", description = "seed of the people's tastes and noise (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--acks", description = "append the id of every acknowledged ranking to this file, one a line")
    Path acks;

    @Option(names = "--rate", description = "pace of the whole room, rankings per second; 0 = as fast as the server "
            + "answers (default: ${DEFAULT-VALUE})")
    double rate = 0;

    @Option(names = "--timeout", description = "give up after this many seconds (default: ${DEFAULT-VALUE})")
    long timeoutSeconds = 600;

    @Override
    public Integer call() {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--url: expected http://host:port/, found " + url);
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("--url: expected http://host:port/, found " + url);
        }
        if (raters < 1 || rankings < 0 || (concurrency != null && concurrency < 1) || timeoutSeconds < 1 || !(rate >= 0)) {
            throw new IllegalArgumentException("workshop simulate: expected --raters ≥ 1, --rankings ≥ 0, --concurrency ≥ 1"
                    + ", --timeout ≥ 1 and --rate ≥ 0, found " + raters + ", " + rankings + ", " + concurrency + ", "
                    + timeoutSeconds + ", " + rate);
        }
        int c = concurrency == null ? raters : concurrency;
        if (c > raters) {
            System.out.printf("--concurrency %d: one connection per person, so %d%n", c, raters);
        }
        SimulatedRoom.Settings settings = SimulatedRoom.Settings.defaults(uri).toBuilder()
                .code(code).raters(raters).rankings(rankings).concurrency(c).seed(seed).acks(acks)
                .timeout(Duration.ofSeconds(timeoutSeconds)).rate(rate).build();
        if (settings.code().isEmpty()) {
            throw new IllegalArgumentException("workshop simulate: give the join code with --code or in --url (?code=...)");
        }
        System.out.printf("%d simulated people, %d rankings, %d connections -> %s%n", raters, rankings,
                Math.min(c, raters), uri);
        SimulatedRoom.Result result = new SimulatedRoom(settings).run();
        System.out.print(result.report());
        if (acks != null) {
            System.out.println("acknowledged ids appended to " + acks);
        }
        if (Thread.interrupted()) {
            return 130; // Ctrl-C, after the figures so far
        }
        return result.complete() ? 0 : 1;
    }
}
