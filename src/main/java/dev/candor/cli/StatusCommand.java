package dev.candor.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code candor status}: what the running Candor says about itself ({@code GET /api/status}), readably. */
@Command(name = "status", exitCodeOnInvalidInput = ReloadCommand.UNREACHABLE,
        description = {"Print the running Candor's status (through the admin listener named in the config): version,"
                + " uptime, config file and its last reload, listeners, connections and counts.",
                "Exit status: 0 it answered, 3 it could not be asked."})
final class StatusCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, defaultValue = "candor.yaml",
            description = "the config file Candor runs with; its admin key says where to ask (default: ${DEFAULT-VALUE})")
    Path config;

    @Option(names = "--admin", paramLabel = "URL", description = "ask this admin API instead, e.g. http://127.0.0.1:9901"
            + " (bearer token: CANDOR_ADMIN_TOKEN, else the config's admin.token)")
    String admin;

    @Option(names = "--json", description = "print GET /api/status as it came")
    boolean json;

    @Override
    public Integer call() {
        AdminClient.Answer answer;
        AdminClient client;
        try {
            client = AdminClient.locate(config, admin, System::getenv);
            answer = client.get("/api/status");
        } catch (AdminClient.Unreachable e) {
            System.err.println("candor status: " + e.getMessage());
            return ReloadCommand.UNREACHABLE;
        }
        if (answer.status() != 200) {
            System.err.println("candor status: " + client.base() + " answered " + answer.status() + ": " + answer.detail());
            return ReloadCommand.UNREACHABLE;
        }
        if (json) {
            System.out.println(answer.body().toPrettyString());
        } else {
            print(answer.body(), client, System.out);
        }
        return 0;
    }

    static void print(JsonNode s, AdminClient client, PrintStream out) {
        out.println("candor " + s.path("version").asString() + " at " + client.base()
                + ", up " + uptime(s.path("uptime_s").asLong()) + " (since " + s.path("started").asString() + ")");
        JsonNode config = s.path("config");
        String hash = config.path("sha256").isString() ? config.get("sha256").asString() : null;
        out.println("  config:      " + (config.path("file").isString() ? config.get("file").asString() : "(none)")
                + (hash == null ? "" : " (sha256 " + hash.substring(0, Math.min(12, hash.length())) + "…)"));
        JsonNode reload = config.path("last_reload");
        if (reload.isObject()) {
            boolean ok = reload.path("ok").asBoolean();
            out.println("  last reload: " + (ok ? "applied" : "REFUSED, running config kept") + " at "
                    + reload.path("time").asString() + " (" + reload.path("trigger").asString() + ")");
            for (JsonNode e : reload.path("errors")) {
                out.println("               " + e.asString());
            }
        } else {
            out.println("  last reload: none since start");
        }
        for (JsonNode l : s.path("listeners")) {
            // an unnamed listener is named after its address
            String name = l.path("name").isString() && !l.get("name").asString().equals(l.path("address").asString())
                    ? l.get("name").asString() + " " : "";
            out.println("  listener:    " + name + l.path("address").asString()
                    + (l.path("bound").isString() ? " (bound " + l.get("bound").asString() + ")" : " (not bound)"));
        }
        out.println("  transport:   " + s.path("transport").asString() + ", " + s.path("workers").asInt() + " event loop(s)");
        out.println("  connections: " + s.path("client_connections").asLong() + " client, "
                + s.path("tunnels_open").asLong() + " WebSocket tunnel(s)");
        out.println("  requests:    " + s.path("requests").asLong() + ", classified failures "
                + s.path("recent_failures").asLong() + ", stale-connection retries "
                + s.path("stale_connection_retries").asLong());
    }

    static String uptime(long seconds) {
        long d = seconds / 86_400;
        long h = seconds % 86_400 / 3600;
        long m = seconds % 3600 / 60;
        long sec = seconds % 60;
        if (d > 0) {
            return d + "d " + h + "h " + m + "m";
        }
        if (h > 0) {
            return h + "h " + m + "m";
        }
        return m > 0 ? m + "m " + sec + "s" : sec + "s";
    }
}
