package dev.candor.config;

import java.util.LinkedHashMap;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import tools.jackson.databind.annotation.JsonDeserialize;

/** The config file as Jackson binds it, before validation, with every leaf still the text written. */
final class RawConfig {
    // Leaves stay text (numbers included) so environment substitution and checks happen in one place.
    // Mutable classes rather than records on purpose: Jackson binds records through their constructor
    // and buffers unknown keys until the end of the mapping, losing where they were written.
    // Public fields are the allowed keys (snake_case), in the order "expected one of" lists them.
    public List<Listener> listeners;
    @JsonDeserialize(using = AdminShorthand.class)
    public Admin admin;
    public String workers;
    @JsonDeserialize(using = AccessLogShorthand.class)
    public AccessLog accessLog;
    public Errors errors;
    public Limits limits;
    public String shutdownGrace;
    public Dns dns;
    public List<String> trustedProxies;
    public String rateLimitStore;
    @JsonDeserialize(using = JournalShorthand.class)
    public Journal journal;
    public List<Route> routes;
    public LinkedHashMap<String, Upstream> upstreams;

    static final class Listener {
        public String name;
        public String address;
        public ListenerTls tls;
        public String redirectToHttps;
        public String proxyProtocol;
    }

    static final class ListenerTls {
        public List<Certificate> certificates;
        public List<String> protocols;
        public String minVersion;
        public Hsts hsts;
    }

    static final class Certificate {
        public String cert;
        public String key;
    }

    static final class Hsts {
        public String maxAge;
        public String includeSubdomains;
        public String preload;
    }

    static final class UpstreamTls {
        public String verify;
        public String sni;
        public String ca;
        public String cert;
        public String key;
        public String minVersion;
    }

    static final class Admin {
        public String address;
        public String token;
        /** The scalar form ({@code admin: off}); not a key. */
        String shorthand;
    }

    static final class AccessLog {
        public String path;
        /** The scalar form ({@code access_log: off}); not a key. */
        String shorthand;
    }

    static final class Journal {
        public String path;
        public String keep;
        public String maxSize;
        /** The scalar form ({@code journal: off}); not a key. */
        String shorthand;
    }

    static final class Errors {
        public String expose;
    }

    static final class Limits {
        public String maxHeaderSize;
        public String maxUriLength;
        public String maxBodySize;
        public String headerReadTimeout;
        public String clientIdleTimeout;
        public String maxConnections;
        public String maxHeaderCount;
        public String maxConnectionsPerIp;
    }

    static final class Dns {
        public List<String> resolvers;
        public String timeout;
        public String staleFor;
    }

    static final class Route {
        public String name;
        public Match match;
        public String upstream;
        public Access access;
        public RateLimit rateLimit;
        // What a route does besides naming one upstream (SPEC section 12).
        public List<Split> split;
        public Mirror mirror;
        public Rewrite rewrite;
        public RouteHeaders headers;
        public RouteTimeouts timeouts;
        public RouteRetries retries;
        public Redirect redirect;
        public Respond respond;
    }

    static final class Access {
        public List<String> allow;
        public List<String> deny;
    }

    static final class RateLimit {
        public String rate;
        public String burst;
        public String key;
    }

    static final class Match {
        public String host;
        public String path;
        public String pathPrefix;
        public String pathRegex;
        public List<String> methods;
        public LinkedHashMap<String, String> headers;
        public LinkedHashMap<String, String> query;
    }

    static final class Split {
        public String upstream;
        public String weight;
    }

    static final class Mirror {
        public String upstream;
        public String percent;
    }

    static final class Rewrite {
        public String stripPrefix;
        public PrefixRewrite prefix;
        public RegexRewrite regex;
        public String host;
    }

    static final class PrefixRewrite {
        public String from;
        public String to;
    }

    static final class RegexRewrite {
        public String pattern;
        public String replacement;
    }

    static final class RouteHeaders {
        public HeaderActions request;
        public HeaderActions response;
    }

    static final class HeaderActions {
        public LinkedHashMap<String, String> set;
        public List<String> remove;
    }

    static final class RouteTimeouts {
        public String response;
        public String idle;
        public String tunnelIdle;
    }

    static final class RouteRetries {
        public String attempts;
        public List<String> on;
        public String perTryTimeout;
    }

    static final class Redirect {
        public String to;
        public String status;
    }

    static final class Respond {
        public String status;
        public String body;
        public String contentType;
    }

    static final class Upstream {
        public List<Endpoint> endpoints;
        public String balancer;
        public Timeouts timeouts;
        public Pool pool;
        public HealthCheck healthCheck;
        @JsonDeserialize(using = OutlierShorthand.class)
        public OutlierDetection outlierDetection;
        public Retries retries;
        public String whenAllUnhealthy;
        public UpstreamDns dns;
        public UpstreamTls tls;
    }

    static final class UpstreamDns {
        public String refresh;
        public String srv;
    }

    static final class Endpoint {
        public String address;
        public String weight;
    }

    static final class Timeouts {
        public String connect;
        public String response;
        public String idle;
        public String tunnelIdle;
    }

    static final class Pool {
        public String maxConnections;
        public String idleTimeout;
        public String maxPending;
    }

    static final class HealthCheck {
        public String type;
        public String path;
        public String host;
        public String interval;
        public String timeout;
        public String healthyThreshold;
        public String unhealthyThreshold;
        public String expectStatus;
    }

    // An explicitly named key would otherwise be listed last in "expected one of".
    @JsonPropertyOrder({"consecutive_failures", "count_5xx", "base_ejection", "max_ejection", "max_ejected_percent"})
    static final class OutlierDetection {
        public String consecutiveFailures;
        // Snake case would spell it count5xx.
        @JsonProperty("count_5xx")
        public String count5xx;
        public String baseEjection;
        public String maxEjection;
        public String maxEjectedPercent;
        /** The scalar form ({@code outlier_detection: off}); not a key. */
        String shorthand;
    }

    static final class Retries {
        public String attempts;
        public List<String> on;
        public String budgetPercent;
        public String perTryTimeout;
    }
}
