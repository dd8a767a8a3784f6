package dev.candor.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Checks {@code upstreams}: names, endpoints, balancer, timeouts, pool and what to do when every endpoint is
 * unhealthy, leaving health checks, outlier detection and retries to their own validators.
 */
final class UpstreamValidator {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

    private final Problems problems;
    private final Values values;
    private final BalancerValidator balancers;
    private final HealthCheckValidator healthChecks;
    private final OutlierValidator outliers;
    private final RetryValidator retries;
    private final DnsValidator dns;
    private final TlsValidator tls;

    UpstreamValidator(Problems problems, Values values, TlsValidator tls) {
        this.tls = requireNonNull(tls, "tls");
        this.problems = requireNonNull(problems, "problems");
        this.values = requireNonNull(values, "values");
        this.balancers = new BalancerValidator(problems, values);
        this.healthChecks = new HealthCheckValidator(problems, values);
        this.outliers = new OutlierValidator(problems, values);
        this.retries = new RetryValidator(problems, values);
        this.dns = new DnsValidator(problems, values);
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
        UpstreamDnsConfig dnsConfig = dns.upstream(ConfigPath.child(path, "dns"), raw.dns);
        boolean srv = raw.dns != null && raw.dns.srv != null;
        List<EndpointConfig> endpoints;
        if (srv && raw.endpoints != null) {
            problems.at(ConfigPath.child(path, "endpoints"),
                    "both 'endpoints' and 'dns.srv' are given; list endpoints or name an SRV record, not both");
            endpoints = List.of();
            valid = false;
        } else {
            endpoints = srv ? List.of() : endpoints(path, raw.endpoints);
        }
        if (srv && dnsConfig.srv() == null) {
            valid = false;
        }
        BalancerConfig balancer = balancers.validate(ConfigPath.child(path, "balancer"), raw.balancer);
        String timeoutsPath = ConfigPath.child(path, "timeouts");
        TimeoutsConfig timeouts = timeouts(timeoutsPath, raw.timeouts);
        PoolConfig pool = pool(ConfigPath.child(path, "pool"), raw.pool);
        HealthCheckConfig healthCheck = healthChecks.validate(ConfigPath.child(path, "health_check"), raw.healthCheck);
        OutlierConfig outlierDetection = outliers.validate(ConfigPath.child(path, "outlier_detection"), raw.outlierDetection);
        // A per-try timeout is compared with the response timeout only when that one could be read.
        boolean responseRead = !problems.hasAt(timeoutsPath) && !problems.hasAt(ConfigPath.child(timeoutsPath, "response"));
        RetryConfig retryConfig = retries.validate(ConfigPath.child(path, "retries"), raw.retries,
                responseRead ? timeouts.response() : null);
        UpstreamConfig.AllUnhealthy whenAllUnhealthy =
                whenAllUnhealthy(ConfigPath.child(path, "when_all_unhealthy"), raw.whenAllUnhealthy);
        UpstreamTlsConfig tlsConfig = tls.upstream(ConfigPath.child(path, "tls"), raw.tls);
        if (!valid || (endpoints.isEmpty() && !srv) || balancer == null) {
            return null;
        }
        return new UpstreamConfig(name, endpoints, balancer, timeouts, pool, healthCheck, outlierDetection, retryConfig,
                whenAllUnhealthy, dnsConfig, tlsConfig);
    }

    private List<EndpointConfig> endpoints(String upstreamPath, List<RawConfig.Endpoint> raw) {
        String path = ConfigPath.child(upstreamPath, "endpoints");
        if (raw == null || raw.isEmpty()) {
            if (raw != null) {
                problems.at(path, "empty list; add at least one endpoint");
            } else if (!problems.hasAt(path)) {
                problems.atKey(upstreamPath, upstreamPath
                        + ": no endpoints; add at least one under 'endpoints' or name an SRV record under 'dns.srv'");
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
            String addressPath = ConfigPath.child(itemPath, "address");
            HostPort address = values.hostPort(addressPath, endpoint.address, 1);
            if (address != null && !address.isIpLiteral() && !DnsValidator.isDnsName(address.host())) {
                problems.at(addressPath, "'" + address.host() + "' is neither an IP address nor a valid DNS name");
                address = null;
            }
            if (address != null) {
                endpoints.add(new EndpointConfig(address, weight));
            }
        }
        // An upstream whose every endpoint is broken has been reported endpoint by endpoint.
        return endpoints.size() == raw.size() ? endpoints : List.of();
    }

    private UpstreamConfig.AllUnhealthy whenAllUnhealthy(String path, String raw) {
        String text = values.text(path, raw);
        if (text == null) {
            return UpstreamConfig.AllUnhealthy.PANIC;
        }
        return switch (text) {
            case "panic" -> UpstreamConfig.AllUnhealthy.PANIC;
            case "fail" -> UpstreamConfig.AllUnhealthy.FAIL;
            default -> {
                problems.at(path, "expected panic or fail, found '" + text + "'");
                yield UpstreamConfig.AllUnhealthy.PANIC;
            }
        };
    }

    private TimeoutsConfig timeouts(String path, RawConfig.Timeouts raw) {
        TimeoutsConfig d = TimeoutsConfig.DEFAULTS;
        if (raw == null) {
            return d;
        }
        return new TimeoutsConfig(
                values.duration(ConfigPath.child(path, "connect"), raw.connect, d.connect()),
                values.duration(ConfigPath.child(path, "response"), raw.response, d.response()),
                values.duration(ConfigPath.child(path, "idle"), raw.idle, d.idle()),
                values.duration(ConfigPath.child(path, "tunnel_idle"), raw.tunnelIdle, d.tunnelIdle()));
    }

    private PoolConfig pool(String path, RawConfig.Pool raw) {
        PoolConfig d = PoolConfig.DEFAULTS;
        if (raw == null) {
            return d;
        }
        Duration idle = values.duration(ConfigPath.child(path, "idle_timeout"), raw.idleTimeout, d.idleTimeout());
        int max = values.integer(ConfigPath.child(path, "max_connections"), raw.maxConnections, d.maxConnections(),
                0, Integer.MAX_VALUE);
        int maxPending = values.integer(ConfigPath.child(path, "max_pending"), raw.maxPending, d.maxPending(),
                0, Integer.MAX_VALUE);
        return new PoolConfig(max, idle, maxPending);
    }
}
