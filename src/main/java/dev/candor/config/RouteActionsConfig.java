package dev.candor.config;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * What a route does with a request it matched, beyond naming one upstream. Every part is optional.
 *
 * @param split a weighted choice of upstreams instead of one; empty = none
 * @param mirror copies of requests sent to another upstream; null = none
 * @param rewrite what the path and Host become upstream; null = unchanged
 * @param requestHeaders set and removed on the request before it goes upstream
 * @param responseHeaders set and removed on the response before it reaches the client
 * @param timeouts overrides of the upstream's timeouts; null = the upstream's
 * @param retries overrides of the upstream's retries; null = the upstream's
 * @param redirect answer with a redirect instead of forwarding; null = none
 * @param respond answer with a fixed response instead of forwarding; null = none
 */
public record RouteActionsConfig(List<SplitConfig> split, MirrorConfig mirror, RewriteConfig rewrite,
                                 HeaderActionsConfig requestHeaders, HeaderActionsConfig responseHeaders,
                                 RouteTimeoutsConfig timeouts, RouteRetriesConfig retries, RedirectConfig redirect,
                                 RespondConfig respond) {
    public static final RouteActionsConfig NONE = new RouteActionsConfig(List.of(), null, null,
            HeaderActionsConfig.NONE, HeaderActionsConfig.NONE, null, null, null, null);

    public RouteActionsConfig {
        split = List.copyOf(requireNonNull(split, "split"));
        requireNonNull(requestHeaders, "requestHeaders");
        requireNonNull(responseHeaders, "responseHeaders");
    }

    /** True when the route answers requests itself (a redirect or a fixed response) and forwards nothing. */
    public boolean answersItself() {
        return redirect != null || respond != null;
    }

    /** One upstream of a split and its share: weight over the sum of the split's weights. */
    public record SplitConfig(String upstream, int weight) {
        public SplitConfig {
            requireNonNull(upstream, "upstream");
        }
    }

    /** Copies of matching requests sent to {@code upstream}, for {@code percent} of them (0 to 100). */
    public record MirrorConfig(String upstream, double percent) {
        public MirrorConfig {
            requireNonNull(upstream, "upstream");
        }
    }

    /**
     * How the path (never the query) and the Host change on the way upstream. At most one of the path
     * rewrites is set.
     *
     * @param stripPrefix removed from the start of the path
     * @param prefixFrom with {@code prefixTo}: a leading {@code prefixFrom} becomes {@code prefixTo}
     * @param regex with {@code replacement}: every match of this RE2 pattern is replaced ({@code $1} and
     *        {@code ${name}} refer to groups)
     * @param host the Host header sent upstream; null = the client's
     */
    public record RewriteConfig(String stripPrefix, String prefixFrom, String prefixTo, String regex,
                                String replacement, String host) {
    }

    /** Header fields set (replacing every existing line of that name) and removed, in that order: removals first. */
    public record HeaderActionsConfig(Map<String, String> set, List<String> remove) {
        public static final HeaderActionsConfig NONE = new HeaderActionsConfig(Map.of(), List.of());

        public HeaderActionsConfig {
            set = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(set, "set")));
            remove = List.copyOf(requireNonNull(remove, "remove"));
        }

        public boolean isEmpty() {
            return set.isEmpty() && remove.isEmpty();
        }
    }

    /** Route overrides of the upstream's timeouts; a null part keeps the upstream's, zero disables it. */
    public record RouteTimeoutsConfig(Duration response, Duration idle,
                                      Duration tunnelIdle) {
        /** The upstream's timeouts with this route's overrides. */
        public TimeoutsConfig applyTo(TimeoutsConfig upstream) {
            return new TimeoutsConfig(upstream.connect(), response == null ? upstream.response() : response,
                    idle == null ? upstream.idle() : idle, tunnelIdle == null ? upstream.tunnelIdle() : tunnelIdle);
        }
    }

    /**
     * Route overrides of the upstream's retries; a null part keeps the upstream's. The retry budget stays
     * the upstream's: it protects the upstream, whichever route the requests came by.
     */
    public record RouteRetriesConfig(Integer attempts, Set<RetryConfig.On> on,
                                     Duration perTryTimeout) {
        /** The upstream's retries with this route's overrides. */
        public RetryConfig applyTo(RetryConfig upstream) {
            return new RetryConfig(attempts == null ? upstream.attempts() : attempts, on == null ? upstream.on() : on,
                    upstream.budgetPercent(), perTryTimeout == null ? upstream.perTryTimeout() : perTryTimeout);
        }
    }

    /**
     * Answers with {@code status} and a {@code Location} made from {@code to}, in which {@code {path}},
     * {@code {query}} (with its {@code ?}, or empty), {@code {uri}} (path and query) and {@code {host}} (the
     * request's host, without port) are replaced.
     */
    public record RedirectConfig(String to, int status) {
        public RedirectConfig {
            requireNonNull(to, "to");
        }
    }

    /** Answers with this status, body and content type, without forwarding. */
    public record RespondConfig(int status, String body, String contentType) {
        public RespondConfig {
            requireNonNull(body, "body");
        }
    }
}
