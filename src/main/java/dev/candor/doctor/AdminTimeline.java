package dev.candor.doctor;

import dev.candor.event.Event;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/** The running proxy's failures and events: {@code GET /api/errors?since=…} and {@code GET /api/events?since=…&until=…}. */
final class AdminTimeline implements Timeline {
    private static final ObjectMapper MAPPER = JsonMapper.builder().build();
    private static final TypeReference<LinkedHashMap<String, Object>> TREE = new TypeReference<>() {
    };

    private final URI base;
    private final String token;
    private final Clock clock;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    AdminTimeline(URI base, String token, Clock clock) {
        this.base = requireNonNull(base, "base");
        this.token = token;
        this.clock = requireNonNull(clock, "clock");
    }

    @Override
    public String source() {
        return base.toString();
    }

    @Override
    public List<Burst.Failure> failures(Instant since) throws Exception {
        JsonNode root = AdminView.get(client, base, "/api/errors?limit=" + FAILURES_READ + "&since=" + since, token);
        List<Burst.Failure> out = new ArrayList<>();
        for (JsonNode f : root.path("errors")) {
            Burst.Failure failure = Timeline.failure(MAPPER.convertValue(f, TREE));
            if (failure != null) {
                out.add(failure);
            }
        }
        return out;
    }

    @Override
    public List<Event> events(Instant since, Instant until) throws Exception {
        JsonNode root = AdminView.get(client, base, "/api/events?since=" + since + "&until=" + until, token);
        List<Event> out = new ArrayList<>();
        for (JsonNode e : root.path("events")) {
            Map<String, String> facts = new LinkedHashMap<>();
            e.path("facts").properties().forEach(f -> facts.put(f.getKey(), f.getValue().isNull() ? null : f.getValue().asString()));
            out.add(new Event(Instant.parse(e.path("time").asString()), e.path("kind").asString(),
                    e.path("subject").isNull() ? null : e.path("subject").asString(), e.path("summary").asString(""), facts));
        }
        return out;
    }

    @Override
    public Instant now() {
        return clock.instant();
    }

    @Override
    public String admin() {
        String root = base.toString();
        return root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
    }
}
