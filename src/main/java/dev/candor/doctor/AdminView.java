package dev.candor.doctor;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the running proxy says about itself, read once from its admin API ({@code GET /api/upstreams} and
 * {@code GET /api/errors}, SPEC section 6): endpoint states, counts and latency, and the latest failures.
 */
final class AdminView {
    private static final ObjectMapper MAPPER = JsonMapper.builder().build();
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final int ERRORS_LIMIT = 200;

    /** One endpoint as the admin API shows it. */
    record EndpointView(String upstream, String address, String state, String why, String error, int weight,
                        long requests, int consecutiveFailures, Double p99) {
    }

    /** One recent failure as the admin API shows it. */
    record FailureView(String requestId, String time, int status, String error, String upstream, String endpoint,
                       String detail) {
    }

    private final URI base;
    private final String problem;
    private final List<EndpointView> endpoints;
    private final List<FailureView> failures;

    private AdminView(URI base, String problem, List<EndpointView> endpoints, List<FailureView> failures) {
        this.base = base;
        this.problem = problem;
        this.endpoints = List.copyOf(endpoints);
        this.failures = List.copyOf(failures);
    }

    static AdminView fetch(URI base, String token) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        try {
            JsonNode upstreams = get(client, base, "/api/upstreams", token);
            JsonNode errors = get(client, base, "/api/errors?limit=" + ERRORS_LIMIT, token);
            return new AdminView(base, null, endpoints(upstreams), failures(errors));
        } catch (java.io.IOException | RuntimeException e) {
            return new AdminView(base, e.getClass().getSimpleName() + ": " + e.getMessage(), List.of(), List.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new AdminView(base, "interrupted", List.of(), List.of());
        }
    }

    static JsonNode get(HttpClient client, URI base, String path, String token)
            throws java.io.IOException, InterruptedException {
        String root = base.toString().endsWith("/") ? base.toString().substring(0, base.toString().length() - 1) : base.toString();
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(root + path)).timeout(TIMEOUT)
                .header("Accept", "application/json");
        if (token != null && !token.isEmpty()) {
            r.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = client.send(r.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + response.statusCode()
                    + (response.statusCode() == 401 ? " (admin.token required)" : ""));
        }
        return MAPPER.readTree(response.body());
    }

    private static List<EndpointView> endpoints(JsonNode root) {
        List<EndpointView> out = new ArrayList<>();
        for (JsonNode u : root.path("upstreams")) {
            String name = text(u, "name");
            for (JsonNode e : u.path("endpoints")) {
                JsonNode p99 = e.path("latency_ms").path("p99");
                out.add(new EndpointView(name, text(e, "address"), text(e, "state"), text(e, "why"), text(e, "error"),
                        e.path("weight").asInt(1), e.path("requests").asLong(0), e.path("consecutive_failures").asInt(0),
                        p99.isNumber() ? p99.asDouble() : null));
            }
        }
        return out;
    }

    private static List<FailureView> failures(JsonNode root) {
        List<FailureView> out = new ArrayList<>();
        for (JsonNode f : root.path("errors")) {
            out.add(new FailureView(text(f, "request_id"), text(f, "time"), f.path("status").asInt(0), text(f, "error"),
                    text(f, "upstream"), text(f, "endpoint"), text(f, "detail")));
        }
        return out;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asString();
    }

    URI base() {
        return base;
    }

    /** Why the API could not be read, or null when it was. */
    String problem() {
        return problem;
    }

    List<EndpointView> endpoints() {
        return endpoints;
    }

    List<FailureView> failures() {
        return failures;
    }

    /** The live p99 latency of an endpoint in milliseconds, or null when unknown. */
    Double p99(String upstream, String address) {
        for (EndpointView e : endpoints) {
            if (upstream.equals(e.upstream()) && address.equals(e.address())) {
                return e.p99();
            }
        }
        return null;
    }
}
