package dev.candor.config;

import java.util.Set;

/**
 * What a request must look like to take a route. Every condition is optional.
 *
 * @param host an exact host name, or {@code *.suffix} for any subdomain of suffix; lower case; null = any
 * @param pathPrefix null = any path
 * @param methods upper-case method tokens; empty = any method
 */
public record MatchConfig(String host, String pathPrefix, Set<String> methods) {
    public static final MatchConfig ANY = new MatchConfig(null, null, Set.of());

    public MatchConfig {
        methods = methods == null ? Set.of() : Set.copyOf(methods);
    }
}
