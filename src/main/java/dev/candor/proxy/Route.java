package dev.candor.proxy;

import com.google.re2j.Pattern;
import dev.candor.config.MatchConfig;
import dev.candor.config.RetryConfig;
import dev.candor.config.RouteActionsConfig;
import dev.candor.config.RouteConfig;
import dev.candor.config.TimeoutsConfig;
import dev.candor.config.UpstreamConfig;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One compiled routing rule and what it does with the requests it takes: its conditions (string tests,
 * RE2 patterns compiled once), its filters, and where it sends requests. Built once per config snapshot
 * and shared by every event loop.
 */
public final class Route {
    private final String name;
    private final RouteConfig config;
    private final String exactHost;
    private final String hostSuffix;
    private final String pathPrefix;
    private final String exactPath;
    private final Pattern pathRegex;
    /** What every path the regex matches starts with ("" when unknown): tested first, as it is far cheaper. */
    private final String pathRegexPrefix;
    private final Set<String> methods;
    private final ValueMatcher[] headers;
    private final ValueMatcher[] query;
    private final FilterChain filters;
    private final UpstreamSplit split;
    private final Mirror mirror;
    private final Map<String, RetryConfig> retries = new HashMap<>();
    private final Map<String, TimeoutsConfig> timeouts = new HashMap<>();

    /** {@code filters} is the route's chain, built by {@link FilterChains} for the same snapshot. */
    Route(RouteConfig config, Map<String, UpstreamConfig> upstreams, FilterChain filters) {
        this.name = config.name();
        this.config = config;
        MatchConfig m = config.match();
        if (m.host() != null && m.host().startsWith("*.")) {
            this.exactHost = null;
            this.hostSuffix = m.host().substring(1); // ".example.com"
        } else {
            this.exactHost = m.host();
            this.hostSuffix = null;
        }
        this.pathPrefix = m.pathPrefix();
        this.exactPath = m.path();
        this.pathRegex = m.pathRegex() == null ? null : Pattern.compile(m.pathRegex());
        this.pathRegexPrefix = m.pathRegex() == null ? "" : RegexPrefix.of(m.pathRegex());
        this.methods = m.methods();
        this.headers = matchers(m.headers());
        this.query = matchers(m.query());
        this.filters = filters;
        this.split = config.upstream() == null && !config.actions().split().isEmpty()
                ? new UpstreamSplit(config.actions().split()) : null;
        this.mirror = config.actions().mirror() == null ? null : new Mirror(name, config.actions().mirror());
        for (String u : config.upstreams()) {
            UpstreamConfig uc = upstreams.get(u);
            if (uc != null) {
                retries.put(u, effectiveRetries(uc));
                timeouts.put(u, effectiveTimeouts(uc));
            }
        }
    }

    private static ValueMatcher[] matchers(Map<String, String> conditions) {
        List<ValueMatcher> list = new ArrayList<>(conditions.size());
        conditions.forEach((k, v) -> list.add(new ValueMatcher(k, v)));
        return list.toArray(ValueMatcher[]::new);
    }

    public String name() {
        return name;
    }

    /** The one upstream this route forwards to; null when it splits traffic or answers itself. */
    public String upstream() {
        return config.upstream();
    }

    /** The configuration this route was built from. */
    public RouteConfig config() {
        return config;
    }

    /** The upstream for one request: the route's own, or a weighted pick of its split; null when it answers itself. */
    String chooseUpstream() {
        return split != null ? split.pick() : config.upstream();
    }

    /**
     * The request target this route sends upstream for {@code uri} (origin form): its path rewrite
     * applied, the query kept. For tools that say where a request goes ({@code candor doctor --url}).
     */
    public String upstreamTarget(String uri) {
        var rewrite = config.actions().rewrite();
        if (rewrite == null) {
            return uri;
        }
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        String rewritten = new RewriteFilter(rewrite).rewrite(path);
        if (rewritten == null) {
            return uri;
        }
        return rewritten + (q < 0 ? "" : rewritten.indexOf('?') >= 0 ? "&" + uri.substring(q + 1) : uri.substring(q));
    }

    /** The Host this route sends upstream instead of the client's ({@code rewrite.host}), or null. */
    public String upstreamHost() {
        var rewrite = config.actions().rewrite();
        return rewrite == null ? null : rewrite.host();
    }

    /** Where copies of this route's requests go, or null when it mirrors nothing. */
    Mirror mirror() {
        return mirror;
    }

    /** The route's filters: access rules, rate limit, header rules, then its rewrites, header actions and local answers. */
    FilterChain filters() {
        return filters;
    }

    /** The retries of requests this route sends to {@code upstream}: the upstream's with this route's overrides. */
    RetryConfig retries(UpstreamConfig upstream) {
        RetryConfig r = retries.get(upstream.name());
        return r != null ? r : effectiveRetries(upstream);
    }

    /** The timeouts of requests this route sends to {@code upstream}: the upstream's with this route's overrides. */
    TimeoutsConfig timeouts(UpstreamConfig upstream) {
        TimeoutsConfig t = timeouts.get(upstream.name());
        return t != null ? t : effectiveTimeouts(upstream);
    }

    private RetryConfig effectiveRetries(UpstreamConfig u) {
        RouteActionsConfig.RouteRetriesConfig o = config.actions().retries();
        return o == null ? u.retries() : o.applyTo(u.retries());
    }

    private TimeoutsConfig effectiveTimeouts(UpstreamConfig u) {
        RouteActionsConfig.RouteTimeoutsConfig o = config.actions().timeouts();
        return o == null ? u.timeouts() : o.applyTo(u.timeouts());
    }

    /** Whether the route sets timeouts or retries of its own, which the evidence of a timeout should name. */
    boolean overridesTimeouts() {
        return config.actions().timeouts() != null || config.actions().retries() != null;
    }

    /** The exact host this route requires, or null. */
    String exactHost() {
        return exactHost;
    }

    /** The ".example.com" of a {@code *.example.com} route, or null. */
    String hostSuffix() {
        return hostSuffix;
    }

    String pathPrefix() {
        return pathPrefix;
    }

    String exactPath() {
        return exactPath;
    }

    /** Whether every condition of this route holds for the request. */
    boolean matches(RouteRequest r) {
        String host = r.host;
        if (exactHost != null && !exactHost.equals(host)) {
            return false;
        }
        // "*.example.com" matches any subdomain at any depth, but not example.com itself (as nginx).
        if (hostSuffix != null && (host == null || host.length() <= hostSuffix.length() || !host.endsWith(hostSuffix))) {
            return false;
        }
        // A prefix is tested against the whole target, as it always was; exact paths and regexes against the path.
        if (pathPrefix != null && !r.uri.startsWith(pathPrefix)) {
            return false;
        }
        if (exactPath != null && !exactPath.equals(r.path())) {
            return false;
        }
        if (!methods.isEmpty() && !methods.contains(r.method.name())) {
            return false;
        }
        for (ValueMatcher h : headers) {
            if (!h.matchesAny(r.headers.getAll(h.name))) {
                return false;
            }
        }
        for (ValueMatcher q : query) {
            if (!q.matchesAny(r.queryValues(q.name))) {
                return false;
            }
        }
        // The regex last: it is the dearest test.
        return pathRegex == null || (r.path().startsWith(pathRegexPrefix) && pathRegex.matcher(r.path()).find());
    }
}
