package dev.candor.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static java.util.Collections.unmodifiableMap;

/**
 * What a request must look like to take a route. Every condition is optional; at most one of
 * {@code path}, {@code pathPrefix} and {@code pathRegex} is set.
 *
 * @param host an exact host name, or {@code *.suffix} for any subdomain of suffix; lower case; null = any
 * @param pathPrefix null = any path
 * @param methods upper-case method tokens; empty = any method
 * @param path the exact path (without the query); null = any
 * @param pathRegex an RE2 pattern searched in the path (without the query); null = any
 * @param headers lower-case header name to the value it must have; a value starting with {@code ~} is an
 *        RE2 pattern searched in it
 * @param query query parameter name to the value it must have; {@code ~} as for headers
 */
public record MatchConfig(String host, String pathPrefix, Set<String> methods, String path, String pathRegex,
                          Map<String, String> headers, Map<String, String> query) {
    public static final MatchConfig ANY = new MatchConfig(null, null, Set.of());

    /** A match on host, path prefix and methods only. */
    public MatchConfig(String host, String pathPrefix, Set<String> methods) {
        this(host, pathPrefix, methods, null, null, Map.of(), Map.of());
    }

    public MatchConfig {
        methods = methods == null ? Set.of() : Set.copyOf(methods);
        // Insertion order kept: conditions are tested in the order they were written.
        headers = headers == null ? Map.of() : unmodifiableMap(new LinkedHashMap<>(headers));
        query = query == null ? Map.of() : unmodifiableMap(new LinkedHashMap<>(query));
    }

    /** True when no condition is set: every request matches. */
    public boolean matchesEverything() {
        return host == null && (pathPrefix == null || pathPrefix.equals("/")) && methods.isEmpty() && path == null
                && pathRegex == null && headers.isEmpty() && query.isEmpty();
    }
}
