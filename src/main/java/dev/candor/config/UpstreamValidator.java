package dev.candor.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/** Checks {@code upstreams}: names, endpoints, balancer, timeouts and pool settings. */
final class UpstreamValidator {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
    // Valid in the spec, not built yet: a distinct message tells the operator the spelling is right.
    private static final Pattern LATER = Pattern.compile("least_request|ip_hash|(header_hash|cookie_hash)\\(.*\\)");
    private static final String AVAILABLE = Arrays.stream(BalancerConfig.Kind.values())
            .map(BalancerConfig.Kind::configName).collect(Collectors.joining(", "));

    private final Problems problems;
    private final Values values;

    UpstreamValidator(Problems problems, Values values) {
        this.problems = requireNonNull(problems, "problems");
        this.values = requireNonNull(values, "values");
    }

    Map<String, UpstreamConfig> validate(Map<String, RawConfig.Upstream> raw) {
        if (raw == null || raw.isEmpty()) {
            if (!problems.hasAt("upstreams")) {
                if (raw == null) {
                    problems.missing(ConfigPath.ROOT, "upstreams");
                } else {
                    problems.at("upstreams", "at least one upstream is required");
                }
            }
            return Map.of();
        }
        Map<String, UpstreamConfig> upstreams = new LinkedHashMap<>();
        raw.forEach((name, upstream) -> {
            UpstreamConfig config = upstream(name, upstream == null ? new RawConfig.Upstream() : upstream);
            if (config != null) {
                upstreams.put(name, config);
            }
        });
        return upstreams;
    }

    private UpstreamConfig upstream(String name, RawConfig.Upstream raw) {
        String path = ConfigPath.child("upstreams", name);
        boolean valid = true;
        if (!NAME.matcher(name).matches()) {
            problems.atKey(path, "upstream name '" + name + "' may only contain letters, digits, '.', '_' and '-'");
            valid = false;
        }
        List<EndpointConfig> endpoints = endpoints(path, raw.endpoints);
        BalancerConfig balancer = balancer(ConfigPath.child(path, "balancer"), raw.balancer);
        TimeoutsConfig timeouts = timeouts(ConfigPath.child(path, "timeouts"), raw.timeouts);
        PoolConfig pool = pool(ConfigPath.child(path, "pool"), raw.pool);
        if (!valid || endpoints.isEmpty() || balancer == null) {
            return null;
        }
        return new UpstreamConfig(name, endpoints, balancer, timeouts, pool);
    }

    private List<EndpointConfig> endpoints(String upstreamPath, List<RawConfig.Endpoint> raw) {
        String path = ConfigPath.child(upstreamPath, "endpoints");
        if (raw == null || raw.isEmpty()) {
            if (raw != null) {
                problems.at(path, "empty list; add at least one endpoint");
            } else if (!problems.hasAt(path)) {
                problems.atKey(upstreamPath, upstreamPath + ": no endpoints; add at least one under 'endpoints'");
            }
            return List.of();
        }
        List<EndpointConfig> endpoints = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            String itemPath = ConfigPath.index(path, i);
            RawConfig.Endpoint endpoint = raw.get(i);
            if (endpoint == null) {
                problems.at(itemPath, "empty entry; expected a mapping with 'address'");
                continue;
            }
            int weight = values.integer(ConfigPath.child(itemPath, "weight"), endpoint.weight, 1, 1, Integer.MAX_VALUE);
            if (endpoint.address == null) {
                problems.missing(itemPath, "address");
                continue;
            }
            HostPort address = values.hostPort(ConfigPath.child(itemPath, "address"), endpoint.address, 1);
            if (address != null) {
                endpoints.add(new EndpointConfig(address, weight));
            }
        }
        // An upstream whose every endpoint is broken has been reported endpoint by endpoint.
        return endpoints.size() == raw.size() ? endpoints : List.of();
    }

    private BalancerConfig balancer(String path, String raw) {
        String text = values.text(path, raw);
        if (text == null) {
            return raw == null ? BalancerConfig.ROUND_ROBIN : null;
        }
        for (BalancerConfig.Kind kind : BalancerConfig.Kind.values()) {
            if (kind.configName().equals(text)) {
                return new BalancerConfig(kind, null);
            }
        }
        problems.at(path, LATER.matcher(text).matches()
                ? "balancer '" + text + "' is not available yet (available: " + AVAILABLE + ")"
                : "'" + text + "' is not a balancer (expected one of: " + AVAILABLE + ")");
        return null;
    }

    private TimeoutsConfig timeouts(String path, RawConfig.Timeouts raw) {
        TimeoutsConfig d = TimeoutsConfig.DEFAULTS;
        if (raw == null) {
            return d;
        }
        return new TimeoutsConfig(
                values.duration(ConfigPath.child(path, "connect"), raw.connect, d.connect()),
                values.duration(ConfigPath.child(path, "response"), raw.response, d.response()),
                values.duration(ConfigPath.child(path, "idle"), raw.idle, d.idle()));
    }

    private PoolConfig pool(String path, RawConfig.Pool raw) {
        PoolConfig d = PoolConfig.DEFAULTS;
        if (raw == null) {
            return d;
        }
        Duration idle = values.duration(ConfigPath.child(path, "idle_timeout"), raw.idleTimeout, d.idleTimeout());
        int max = values.integer(ConfigPath.child(path, "max_connections"), raw.maxConnections, d.maxConnections(),
                0, Integer.MAX_VALUE);
        return new PoolConfig(max, idle);
    }
}
