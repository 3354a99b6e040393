package dev.rlhf4j.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rlhf4j workshop round}: the running server's next round, from a new policy or as an A/B round. */
@Command(name = "round", mixinStandardHelpOptions = true,
        description = {"Close the running workshop's round and open the next: new tasks of the same model, of --policy's",
            "samples (the records then name that policy as their model), or with --ab a blind A/B round of --policy",
            "against the initial model on held-out prompts. The server samples them; --policy is a folder on its machine."})
public final class WorkshopRoundCommand implements Callable<Integer> {

    @Option(names = "--url", required = true, description = "the server, e.g. http://127.0.0.1:8080/")
    String url;

    @Option(names = "--admin-token", description = "the server's admin token (default: $RLHF4J_ADMIN_TOKEN)")
    String adminToken = System.getenv("RLHF4J_ADMIN_TOKEN");

    @Option(names = "--policy", description = "the policy folder whose samples the room ranks next (e.g. runs/workshop/train-1/policy)")
    Path policy;

    @Option(names = "--ab", description = "a blind A/B round: --policy against the initial model, K = 2")
    boolean ab;

    @Override
    public Integer call() throws Exception {
        if (adminToken == null || adminToken.isBlank()) {
            throw new IllegalArgumentException("--admin-token: expected the token `workshop serve` printed (or $RLHF4J_ADMIN_TOKEN)");
        }
        if (ab && policy == null) {
            throw new IllegalArgumentException("--ab: an A/B round needs --policy, the tuned policy's folder");
        }
        if (policy != null && Files.exists(policy) && !Files.isRegularFile(policy.resolve("config.json"))) {
            // The server checks too (the folder is on its machine); on the same machine, say it here first.
            throw new IllegalArgumentException("--policy: not a model folder: " + policy + " (expected config.json and model.safetensors)");
        }
        JsonObject body = new JsonObject();
        if (policy != null) {
            body.addProperty("policy", policy.toString());
            body.addProperty("ab", ab);
        }
        String base = url.endsWith("/") ? url : url + "/";
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "api/admin/rounds"))
                .header("Authorization", "Bearer " + adminToken.strip())
                .header("Content-Type", "application/json")
                .timeout(Duration.ofMinutes(5))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        HttpResponse<String> r;
        try {
            r = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("--url: no workshop server answers at " + base + " (" + e.getMessage() + ")");
        }
        JsonObject o;
        try {
            o = JsonParser.parseString(r.body()).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--url: " + base + " answered " + r.statusCode() + " without JSON: is it a workshop server?");
        }
        if (r.statusCode() != 201) {
            String why = o.has("error") ? o.get("error").getAsString() : r.body();
            throw new IllegalArgumentException(switch (r.statusCode()) {
                case 401, 403 -> "--admin-token: the server refused it (" + why + ")";
                default -> "the server refused the round (" + r.statusCode() + "): " + why;
            });
        }
        System.out.println("round " + o.get("round").getAsInt() + " open: " + o.get("tasks").getAsInt() + " "
                + (o.get("kind").getAsString().equals("ab") ? "A/B pairs of " : "tasks of ") + o.get("model").getAsString());
        return 0;
    }
}
