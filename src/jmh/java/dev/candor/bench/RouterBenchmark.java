package dev.candor.bench;

import dev.candor.config.MatchConfig;
import dev.candor.config.RouteConfig;
import dev.candor.proxy.Route;
import dev.candor.proxy.Router;
import io.netty.handler.codec.http.HttpMethod;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Route matching over a 16-rule table of the kind a small site has: exact hosts, {@code *.suffix}
 * hosts, path prefixes and method sets, no catch-all. Rules are tried in order, so a hit on the first
 * rule is the cheapest lookup and a miss (every rule tried, then 404) the dearest.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RouterBenchmark {

    private Router router;

    // Request values are built at setup as fresh strings, as the HTTP decoder would make them: a
    // string literal shared with the route table would make equals() succeed on identity alone.
    private String firstHost;
    private String firstPath;
    private String lastHost;
    private String lastPath;
    private String missHost;
    private String missPath;

    @Setup
    public void setUp() {
        router = new Router(List.of(
                route("api-v1-read", "api.example.com", "/v1/", "GET", "HEAD"),
                route("api-v1-write", "api.example.com", "/v1/", "POST", "PUT", "PATCH", "DELETE"),
                route("api-v2", "api.example.com", "/v2/"),
                route("admin", "api.example.com", "/admin/", "GET", "POST"),
                route("static", "www.example.com", "/static/", "GET", "HEAD"),
                route("assets", "www.example.com", "/assets/", "GET", "HEAD"),
                route("web", "www.example.com", null),
                route("apex", "example.com", null),
                route("auth", "auth.example.com", null),
                route("cdn", "*.cdn.example.com", null, "GET", "HEAD"),
                route("realtime", "ws.example.com", "/socket/", "GET"),
                route("tenant-api", "*.tenants.example.com", "/api/"),
                route("tenant-web", "*.tenants.example.com", null),
                route("status", "status.example.net", null, "GET"),
                route("metrics", "internal.example.net", "/metrics", "GET"),
                route("legacy", "*.example.org", null)));
        firstHost = fresh("api.example.com");
        firstPath = fresh("/v1/items?id=42&expand=owner");
        lastHost = fresh("shop.example.org");
        lastPath = fresh("/cart/checkout");
        missHost = fresh("unknown.example.io");
        missPath = fresh("/index.html");
        check(firstHost, firstPath, "api-v1-read");
        check(lastHost, lastPath, "legacy");
        check(missHost, missPath, null);
    }

    /** GET to the first rule. */
    @Benchmark
    public Route firstRouteHit() {
        return router.match(firstHost, firstPath, HttpMethod.GET);
    }

    /** GET that only the 16th (last) rule takes: 15 rules rejected first. */
    @Benchmark
    public Route lastRouteHit() {
        return router.match(lastHost, lastPath, HttpMethod.GET);
    }

    /** GET for a host no rule names: all 16 rules rejected, null (a 404 destination_not_found). */
    @Benchmark
    public Route miss() {
        return router.match(missHost, missPath, HttpMethod.GET);
    }

    private static RouteConfig route(String name, String host, String pathPrefix, String... methods) {
        return new RouteConfig(name, new MatchConfig(host, pathPrefix, Set.of(methods)), name);
    }

    private static String fresh(String s) {
        return new String(s.toCharArray());
    }

    private void check(String host, String path, String expected) {
        Route r = router.match(host, path, HttpMethod.GET);
        String actual = r == null ? null : r.name();
        if (expected == null ? actual != null : !expected.equals(actual)) {
            throw new IllegalStateException(host + path + " matched " + actual + ", expected " + expected);
        }
    }
}
