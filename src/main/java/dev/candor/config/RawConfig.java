package dev.candor.config;

import java.util.LinkedHashMap;
import java.util.List;

import tools.jackson.databind.annotation.JsonDeserialize;

/** The config file as Jackson binds it, before validation, with every leaf still the text written. */
final class RawConfig {
    // Leaves stay text (numbers included) so environment substitution and checks happen in one place.
    // Mutable classes rather than records on purpose: Jackson binds records through their constructor
    // and buffers unknown keys until the end of the mapping, losing where they were written.
    // Public fields are the allowed keys (snake_case), in the order "expected one of" lists them.
    public List<Listener> listeners;
    public String workers;
    @JsonDeserialize(using = AccessLogShorthand.class)
    public AccessLog accessLog;
    public Errors errors;
    public Limits limits;
    public String shutdownGrace;
    public List<Route> routes;
    public LinkedHashMap<String, Upstream> upstreams;

    static final class Listener {
        public String name;
        public String address;
    }

    static final class AccessLog {
        public String path;
        /** The scalar form ({@code access_log: off}); not a key. */
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
    }

    static final class Route {
        public String name;
        public Match match;
        public String upstream;
    }

    static final class Match {
        public String host;
        public String pathPrefix;
        public List<String> methods;
    }

    static final class Upstream {
        public List<Endpoint> endpoints;
        public String balancer;
        public Timeouts timeouts;
        public Pool pool;
    }

    static final class Endpoint {
        public String address;
        public String weight;
    }

    static final class Timeouts {
        public String connect;
        public String response;
        public String idle;
    }

    static final class Pool {
        public String maxConnections;
        public String idleTimeout;
    }
}
