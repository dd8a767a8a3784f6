package dev.candor.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code candor reload}: asks the running Candor to reload its config file, like {@code nginx -s reload}. */
@Command(name = "reload", exitCodeOnInvalidInput = ReloadCommand.UNREACHABLE,
        description = {"Ask the running Candor (through the admin listener named in the config) to reload its config"
                + " file. A refused reload prints every error as FILE:LINE:COL: message; the running config is kept.",
                "Exit status: 0 reloaded, 1 refused, 3 the running Candor could not be asked."})
final class ReloadCommand implements Callable<Integer> {
    static final int UNREACHABLE = 3;

    @Option(names = {"-c", "--config"}, defaultValue = "candor.yaml",
            description = "the config file Candor runs with; its admin key says where to ask (default: ${DEFAULT-VALUE})")
    Path config;

    @Option(names = "--admin", paramLabel = "URL", description = "ask this admin API instead, e.g. http://127.0.0.1:9901"
            + " (bearer token: CANDOR_ADMIN_TOKEN, else the config's admin.token)")
    String admin;

    @Override
    public Integer call() {
        AdminClient client;
        AdminClient.Answer answer;
        String runningFile = null;
        try {
            client = AdminClient.locate(config, admin, System::getenv);
            AdminClient.Answer status = client.get("/api/status");
            if (status.status() == 200 && status.body().path("config").hasNonNull("file")) {
                runningFile = status.body().path("config").get("file").asString();
            }
            answer = client.post("/api/reload");
        } catch (AdminClient.Unreachable e) {
            System.err.println("candor reload: " + e.getMessage());
            return UNREACHABLE;
        }
        Path mine = config.toAbsolutePath().normalize();
        if (runningFile != null && !Path.of(runningFile).normalize().equals(mine)) {
            System.err.println("candor reload: note: the Candor at " + client.base() + " runs with " + runningFile
                    + ", not " + mine + "; it reloaded its own file");
        }
        JsonNode body = answer.body();
        if (answer.status() == 200) {
            String file = runningFile != null ? runningFile : mine.toString();
            System.out.println("candor reload: " + file + " reloaded in " + body.path("duration_ms").asDouble() + " ms"
                    + upstreams(body.path("upstreams")));
            for (JsonNode w : body.path("warnings")) {
                System.err.println(file + ": warning: " + w.asString());
            }
            return 0;
        }
        if (answer.status() == 400 && body.has("errors")) {
            for (JsonNode e : body.get("errors")) {
                System.err.println(e.asString());
            }
            System.err.println("candor reload: refused, the running config is kept (" + body.get("errors").size()
                    + " error(s))");
            return 1;
        }
        System.err.println("candor reload: refused (" + answer.status() + "): " + answer.detail());
        return 1;
    }

    private static String upstreams(JsonNode u) {
        if (u.isMissingNode() || u.isNull()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        for (String key : List.of("kept", "started", "retired")) {
            if (u.path(key).size() > 0) {
                List<String> names = new ArrayList<>();
                u.get(key).forEach(n -> names.add(n.asString()));
                parts.add(key + " " + String.join(", ", names));
            }
        }
        return parts.isEmpty() ? "" : " (upstreams " + String.join("; ", parts) + ")";
    }
}
