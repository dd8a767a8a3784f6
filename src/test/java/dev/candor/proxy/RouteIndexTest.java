package dev.candor.proxy;

import dev.candor.config.MatchConfig;
import dev.candor.config.RouteConfig;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The route index answers exactly what a first-match scan answers, on random configs and requests. */
class RouteIndexTest {
    private static final String[] ROUTE_HOSTS = {null, null, "a.test", "b.test", "x.a.test", "*.a.test", "*.test",
            "*.x.a.test", "[::1]"};
    private static final String[] REQUEST_HOSTS = {null, "a.test", "b.test", "x.a.test", "y.x.a.test", "c.test",
            "test", "ba.test", "[::1]", "a.test.other"};
    private static final String[] PREFIXES = {"/", "/a", "/a/", "/a/b", "/b", "/ab", "/a/b/c"};
    private static final String[] PATHS = {"/", "/a", "/a/b", "/b/c"};
    private static final String[] REGEXES = {"^/a/[0-9]+$", "b", "^/$", "c$"};
    private static final String[] URIS = {"/", "/a", "/a/", "/a/1", "/a/b", "/a/b?q=1", "/ab", "/b/c?q=x", "/b",
            "/x?q=1&q=2", "/a/b/c/d", "/a?q=1", "/a/b/c"};
    private static final HttpMethod[] METHODS = {HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE};

    @Test
    void theIndexAgreesWithTheFirstMatchScanOnTwoThousandRandomConfigs() {
        for (long seed = 1; seed <= 2000; seed++) {
            Random random = new Random(seed);
            List<RouteConfig> routes = randomRoutes(random);
            Router router = new Router(routes);
            for (int i = 0; i < 60; i++) {
                RouteRequest request = randomRequest(random);
                Route scanned = router.scan(request);
                Route indexed = router.indexed(request);
                assertThat(name(indexed))
                        .as("seed %d: %s %s Host: %s headers %s over %s", seed, request.method, request.uri,
                                request.host, request.headers, routes)
                        .isEqualTo(name(scanned));
            }
        }
    }

    @Test
    void theLastOfTenThousandHostsIsFoundWithoutTryingTheOthers() {
        List<RouteConfig> routes = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            routes.add(new RouteConfig("r" + i, new MatchConfig("host-" + i + ".test", "/", Set.of()), "u"));
        }
        Router router = new Router(routes);

        assertThat(router.match("host-9999.test", "/x", HttpMethod.GET).name()).isEqualTo("r9999");
        assertThat(router.match("host-0.test", "/x", HttpMethod.GET).name()).isEqualTo("r0");
        assertThat(router.match("host-10000.test", "/x", HttpMethod.GET)).isNull();
    }

    @Test
    void aLaterRouteWithALongerPrefixLosesToAnEarlierShorterOne() {
        Router router = new Router(List.of(
                new RouteConfig("short", new MatchConfig("a.test", "/a", Set.of()), "u"),
                new RouteConfig("long", new MatchConfig("a.test", "/a/b", Set.of()), "u"),
                new RouteConfig("wild", new MatchConfig("*.test", "/a/b/c", Set.of()), "u")));

        assertThat(router.match("a.test", "/a/b/c", HttpMethod.GET).name()).isEqualTo("short");
        assertThat(router.match("b.test", "/a/b/c", HttpMethod.GET).name()).isEqualTo("wild");
    }

    private static String name(Route r) {
        return r == null ? null : r.name();
    }

    private static List<RouteConfig> randomRoutes(Random random) {
        int n = 1 + random.nextInt(30);
        List<RouteConfig> routes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String host = pick(random, ROUTE_HOSTS);
            String prefix = null;
            String path = null;
            String regex = null;
            switch (random.nextInt(5)) {
                case 0, 1 -> prefix = pick(random, PREFIXES);
                case 2 -> path = pick(random, PATHS);
                case 3 -> regex = pick(random, REGEXES);
                default -> {
                }
            }
            Set<String> methods = switch (random.nextInt(4)) {
                case 0 -> Set.of("GET");
                case 1 -> Set.of("POST", "PUT");
                default -> Set.of();
            };
            Map<String, String> headers = switch (random.nextInt(5)) {
                case 0 -> Map.of("x-k", "1");
                case 1 -> Map.of("x-k", "~^[0-9]$");
                default -> Map.of();
            };
            Map<String, String> query = switch (random.nextInt(5)) {
                case 0 -> Map.of("q", "1");
                case 1 -> Map.of("q", "~x");
                default -> Map.of();
            };
            routes.add(new RouteConfig("r" + i, new MatchConfig(host, prefix, methods, path, regex, headers, query), "u"));
        }
        return routes;
    }

    private static RouteRequest randomRequest(Random random) {
        HttpHeaders headers = new DefaultHttpHeaders();
        switch (random.nextInt(4)) {
            case 0 -> headers.add("X-K", "1");
            case 1 -> headers.add("x-k", "22").add("x-k", "1");
            case 2 -> headers.add("x-k", "a");
            default -> {
            }
        }
        return new RouteRequest(pick(random, REQUEST_HOSTS), pick(random, URIS), pick(random, METHODS), headers);
    }

    private static <T> T pick(Random random, T[] values) {
        return values[random.nextInt(values.length)];
    }
}
