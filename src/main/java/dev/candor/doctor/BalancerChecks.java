package dev.candor.doctor;

import dev.candor.config.HealthCheckConfig;
import dev.candor.config.UpstreamConfig;
import dev.candor.failure.ErrorType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Section 5, "load balancer": whether a dead endpoint is found (active checks, outlier detection) and how
 * fast; with {@code --admin}, each endpoint's live state (unhealthy, ejected, draining) and whether traffic
 * follows the weights.
 */
final class BalancerChecks {
    /** Below this many requests an upstream's spread says nothing. */
    private static final long MIN_REQUESTS_FOR_SKEW = 20;
    /** An endpoint taking more than this multiple (or less than its inverse) of its fair share is skewed. */
    private static final double SKEW = 2.0;

    private BalancerChecks() {
    }

    static List<Check> of(Targets targets, AdminView admin) {
        List<Check> out = new ArrayList<>();
        for (UpstreamConfig u : targets.upstreams()) {
            out.add(healthSettings(u));
        }
        if (admin == null || admin.problem() != null) {
            return out;
        }
        for (UpstreamConfig u : targets.upstreams()) {
            List<AdminView.EndpointView> endpoints = admin.endpoints().stream()
                    .filter(e -> u.name().equals(e.upstream())).toList();
            long usable = endpoints.stream().filter(e -> "healthy".equals(e.state())).count();
            for (AdminView.EndpointView e : endpoints) {
                out.add(state(u, e, usable, endpoints.size(), admin));
            }
            Check skew = skew(u, endpoints);
            if (skew != null) {
                out.add(skew);
            }
        }
        return out;
    }

    static Check healthSettings(UpstreamConfig u) {
        HealthCheckConfig h = u.healthCheck();
        Check.Builder b = Check.of(Section.BALANCER, "balancer.health_check", "upstreams." + u.name())
                .with("outlier_detection", u.outlierDetection().enabled()
                        ? u.outlierDetection().consecutiveFailures() + " consecutive failures" : "off");
        if (h == null) {
            if (!u.outlierDetection().enabled()) {
                return b.advice("add upstreams." + u.name() + ".health_check (e.g. path /healthz) or enable outlier_detection:"
                                + " today a dead endpoint keeps receiving requests")
                        .step(Step.of(Step.Rank.HEALTH, "add a health_check to upstreams." + u.name()
                                + ": nothing takes a dead endpoint out of rotation"))
                        .warn("no active health check and no outlier detection");
            }
            return b.pass("no active health check; failing endpoints are ejected after "
                    + u.outlierDetection().consecutiveFailures() + " consecutive failures (outlier detection)");
        }
        long detectMs = h.interval().toMillis() * h.unhealthyThreshold();
        long recoverMs = h.interval().toMillis() * h.healthyThreshold();
        b.with("mode", h.mode().name().toLowerCase(Locale.ROOT)).with("path", h.path())
                .with("interval", Fmt.config(h.interval())).with("timeout", Fmt.config(h.timeout()))
                .with("unhealthy_threshold", h.unhealthyThreshold()).with("healthy_threshold", h.healthyThreshold())
                .with("detects_failure_within_ms", detectMs).with("recovers_within_ms", recoverMs);
        if (h.timeout().compareTo(h.interval()) >= 0) {
            return b.advice("keep health_check.timeout below health_check.interval, or probes overlap")
                    .step(Step.of(Step.Rank.HEALTH, "lower upstreams." + u.name() + ".health_check.timeout ("
                            + Fmt.config(h.timeout()) + ") below its interval (" + Fmt.config(h.interval()) + ")"))
                    .warn("health_check.timeout " + Fmt.config(h.timeout()) + " is not below its interval "
                            + Fmt.config(h.interval()));
        }
        return b.pass("a dead endpoint leaves rotation within " + Fmt.seconds(detectMs * 1_000_000)
                + " (" + h.unhealthyThreshold() + " x " + Fmt.config(h.interval()) + "), returns after "
                + Fmt.seconds(recoverMs * 1_000_000));
    }

    static Check state(UpstreamConfig u, AdminView.EndpointView e, long usable, int total, AdminView admin) {
        Check.Builder b = Check.of(Section.BALANCER, "balancer.endpoint", u.name() + " " + e.address())
                .with("state", e.state()).with("why", e.why()).with("consecutive_failures", e.consecutiveFailures())
                .with("requests", e.requests()).with("usable_endpoints", usable + "/" + total);
        String state = e.state() == null ? "unknown" : e.state();
        switch (state) {
            case "healthy":
                return b.pass("healthy, in rotation (" + e.requests() + " requests)");
            case "draining":
                return b.pass("draining: taken out of rotation by an operator (POST .../undrain brings it back)");
            default:
                break;
        }
        ErrorType type = ErrorType.fromToken(e.error());
        // The admin API's "why" usually starts with the state itself ("ejected until ...").
        String why = e.why() == null ? state : e.why().startsWith(state) ? e.why() : state + ": " + e.why();
        b.error(type).with("error", e.error())
                .advice(why + ": " + (type == null ? "see backend.health and backend.tcp for " + e.address() + " above"
                        : type.nextCheck()))
                .confirm("curl -s " + admin.base() + "/api/upstreams")
                .step(Step.restart("bring " + e.address() + " of upstreams." + u.name() + " back: it is " + why));
        String summary = why + "; " + usable + " of " + total + " endpoints take traffic";
        return usable > 0 ? b.warn(summary) : b.fail(summary);
    }

    static Check skew(UpstreamConfig u, List<AdminView.EndpointView> endpoints) {
        List<AdminView.EndpointView> healthy = endpoints.stream().filter(e -> "healthy".equals(e.state())).toList();
        long total = healthy.stream().mapToLong(AdminView.EndpointView::requests).sum();
        if (healthy.size() < 2 || total < MIN_REQUESTS_FOR_SKEW) {
            return null;
        }
        int weights = healthy.stream().mapToInt(AdminView.EndpointView::weight).sum();
        Map<String, String> shares = new LinkedHashMap<>();
        String skewed = null;
        for (AdminView.EndpointView e : healthy) {
            double share = (double) e.requests() / total;
            double fair = (double) e.weight() / weights;
            shares.put(e.address(), Math.round(share * 100) + "% (fair " + Math.round(fair * 100) + "%)");
            if (skewed == null && (share > fair * SKEW || share < fair / SKEW)) {
                skewed = e.address();
            }
        }
        Check.Builder b = Check.of(Section.BALANCER, "balancer.skew", "upstreams." + u.name())
                .with("requests", total).with("balancer", u.balancer().toString()).with("shares", shares);
        if (skewed != null) {
            return b.advice("traffic does not follow the weights: with a hash balancer a few hot keys do this; otherwise"
                            + " look for long requests piling on one endpoint (least_request) or a recent recovery")
                    .step(Step.of(Step.Rank.HEALTH, "look at why " + skewed + " of upstreams." + u.name()
                            + " gets an unfair share of requests"))
                    .warn("traffic is skewed: " + skewed + " gets " + shares.get(skewed));
        }
        return b.pass("traffic follows the weights over " + total + " requests");
    }
}
