package dev.candor.config;

import static java.util.Objects.requireNonNull;

/** One routing rule; rules are tried in order and the first match wins. */
public record RouteConfig(String name, MatchConfig match, String upstream) {
    public RouteConfig {
        requireNonNull(name, "name");
        requireNonNull(match, "match");
        requireNonNull(upstream, "upstream");
    }
}
