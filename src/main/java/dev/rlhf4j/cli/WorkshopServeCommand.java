package dev.rlhf4j.cli;

import dev.rlhf4j.world.Prompt;
import dev.rlhf4j.loop.WorkshopTraining;
import dev.rlhf4j.workshop.SampledTasks;
import dev.rlhf4j.workshop.WorkshopServer;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rlhf4j workshop serve}: the workshop server, until Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve a workshop: people join with the code, rank K completions per task in the browser, and the",
            "projector page (/leaderboard) shows the room live. Every acknowledged ranking is in the database.",
            "Restarted with the same --db and --code, the workshop goes on where it was."})
public final class WorkshopServeCommand implements Callable<Integer> {

    @Option(names = "--host", description = "address to bind: 127.0.0.1 = this machine only; 0.0.0.0 = every network"
            + " interface, for a room (default: ${DEFAULT-VALUE})")
    String host = "127.0.0.1";

    @Option(names = "--port", description = "port; 0 = any free port (default: ${DEFAULT-VALUE})")
    int port = 8080;

    @Option(names = "--admin-token", description = "token of the admin routes (default: generated and printed once)")
    String adminToken;

    @Option(names = "--code", description = "join code (default: generated; give the same code to resume a workshop)")
    String code;

    @Option(names = "--tasks", description = "tasks per round (default: ${DEFAULT-VALUE})")
    int tasks = 32;

    @Option(names = "--k", description = "completions per task, 2..9 (default: ${DEFAULT-VALUE})")
    int k = 4;

    @Option(names = "--rate", description = "requests per minute a rater may make, sustained; 0 = no limit (default: ${DEFAULT-VALUE})")
    int rate = 120;

    @Option(names = "--public-url", description = "the URL people reach the server at, when it is behind a proxy (default: from --host and --port)")
    String publicUrl;

    @Mixin
    DatabaseOptions database;

    @Mixin
    ModelOptions model;

    @Mixin
    DataOptions data;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() throws InterruptedException {
        PrintStream out = System.out;
        WorkshopServer.Settings settings = WorkshopServer.Settings.defaults().toBuilder()
                .host(host).port(port).db(database.url()).dbUser(database.user()).dbPassword(database.password())
                .adminToken(adminToken).code(code).tasks(tasks).k(k).seed(run.seed).ratePerMinute(rate)
                .publicUrl(publicUrl).prompts(data.dir().resolve("prompts.csv").toString()).build();
        List<Prompt> all = data.prompts();
        List<Prompt> prompts = all.stream().filter(p -> !p.heldOut()).toList();
        List<Prompt> heldOut = all.stream().filter(Prompt::heldOut).toList();
        String modelName = model.dir().getFileName().toString();
        try (SampledTasks maker = new SampledTasks(model.dir(), modelName, prompts, run.resolveDevice());
                WorkshopServer server = WorkshopServer.start(settings, maker,
                        SampledTasks.policies(model.dir(), modelName, prompts, heldOut, run.resolveDevice()))) {
            // Rounds opened from a trained policy show how each person agrees with its reward model.
            server.rewardModels(policy -> WorkshopTraining.rewardModelNextTo(policy, run.resolveDevice()));
            out.println("workshop " + server.workshopId() + " on " + database.printable() + ", round " + server.round()
                    + ", " + modelName + "'s samples, K=" + k);
            out.println("  serving     " + server.url() + (host.equals("0.0.0.0") ? "  (every network interface)" : ""));
            out.println("  join        " + server.joinUrl() + "   code: " + server.code());
            out.println("  projector   " + server.leaderboardUrl());
            if (adminToken == null) {
                out.println("  admin token " + server.adminToken() + "   (shown once; admin routes take Authorization: Bearer <token>)");
            }
            out.println("Ctrl-C stops; every acknowledged ranking is already in the database.");
            out.flush();
            new CountDownLatch(1).await(); // until Ctrl-C interrupts this thread
        } catch (InterruptedException e) {
            out.println("stopped.");
        }
        return 0;
    }
}
