package dev.candor.cli;

import dev.candor.config.AdminConfig;
import dev.candor.config.ConfigException;
import dev.candor.config.ConfigLoader;
import dev.candor.config.ConfigProblem;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

/**
 * Talks to a running Candor's admin API, found the way {@code nginx -s} finds its master: from the
 * config file the process was started with ({@code admin.address} and {@code admin.token}).
 */
final class AdminClient {
    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT).build();

    private AdminClient(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    /** Why the admin API could not be asked: the message to print, and the exit status. */
    static final class Unreachable extends Exception {
        private static final long serialVersionUID = 1L;

        Unreachable(String message) {
            super(message);
        }
    }

    /**
     * The admin API named by {@code adminUrl} when given, else by the config file's {@code admin} key.
     * The token is {@code CANDOR_ADMIN_TOKEN} when set, else the file's {@code admin.token}.
     */
    static AdminClient locate(Path config, String adminUrl, Function<String, String> env)
            throws Unreachable {
        String envToken = env.apply("CANDOR_ADMIN_TOKEN");
        AdminConfig admin = null;
        try {
            admin = ConfigLoader.loadAdmin(config, env);
        } catch (ConfigException e) {
            if (adminUrl == null) {
                StringBuilder why = new StringBuilder("cannot tell where the admin API is from " + config + ":");
                for (ConfigProblem p : e.problems()) {
                    why.append("\n  ").append(p);
                }
                throw new Unreachable(why + "\n(give it with --admin URL)");
            }
        }
        String token = envToken != null && !envToken.isEmpty() ? envToken : admin == null ? null : admin.token();
        if (adminUrl != null) {
            return new AdminClient(URI.create(adminUrl.replaceAll("/+$", "")), token);
        }
        if (!admin.enabled()) {
            throw new Unreachable(config + " turns the admin listener off (admin: off), so the running Candor cannot"
                    + " be asked; use kill -HUP (reload) or kill -USR1 (reopen logs) on its process instead");
        }
        return new AdminClient(URI.create("http://" + connectable(admin.address().host()) + ":" + admin.address().port()),
                token);
    }

    /** A wildcard listen address is reached on loopback; an IPv6 literal goes in brackets. */
    static String connectable(String host) {
        if (host.equals("0.0.0.0")) {
            return "127.0.0.1";
        }
        if (host.equals("::") || host.equals("0:0:0:0:0:0:0:0")) {
            return "[::1]";
        }
        return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    }

    URI base() {
        return base;
    }

    /** An answer: its status and body parsed as JSON (null when it is not JSON). */
    record Answer(int status, JsonNode body, String text) {
        /** The problem-details {@code detail}, or the raw text. */
        String detail() {
            return body != null && body.hasNonNull("detail") ? body.get("detail").asString() : text;
        }
    }

    Answer get(String path) throws Unreachable {
        return send(request(path).GET().build());
    }

    Answer post(String path) throws Unreachable {
        return send(request(path).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private Answer send(HttpRequest request) throws Unreachable {
        HttpResponse<String> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new Unreachable("nothing answers at " + base + " (connection refused): is Candor running with this"
                    + " config, and is its admin listener on?");
        } catch (HttpConnectTimeoutException e) {
            throw new Unreachable("no answer from " + base + " within " + CONNECT_TIMEOUT.toSeconds() + " s (connect timed out)");
        } catch (HttpTimeoutException e) {
            throw new Unreachable(base + " accepted the connection but did not answer within "
                    + REQUEST_TIMEOUT.toSeconds() + " s");
        } catch (IOException e) {
            throw new Unreachable("cannot talk to " + base + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("interrupted");
        }
        JsonNode body = null;
        try {
            body = JSON.readTree(r.body());
        } catch (JacksonException e) {
            // not JSON: something else listens there; the text goes into the message
        }
        if (r.statusCode() == 401) {
            throw new Unreachable(base + " wants a bearer token: " + (token == null
                    ? "set admin.token in the config file, or CANDOR_ADMIN_TOKEN"
                    : "the token from the config file (or CANDOR_ADMIN_TOKEN) was refused"));
        }
        if (body == null || !body.isObject()) {
            throw new Unreachable(base + " answered " + r.statusCode() + " with something that is not Candor's admin API");
        }
        return new Answer(r.statusCode(), body, r.body());
    }
}
