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

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Route matching in a config the size of a busy ingress: 10,000 exact-host routes, then 1,000 routes that
 * each test a path regex, then a catch-all. The index makes the first and the last host route cost the
 * same; regex routes are tried in order, so the last one pays for the 999 before it (the cost the
 * {@code routes} case of bench/run.sh shows end to end). Anchored regexes with a literal start
 * ({@code ^/r12/...}) are mostly skipped by a string comparison; {@code unanchoredLastRegex} runs RE2/J on
 * every one of 1,000 regexes without such a start.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ManyRoutesBenchmark {
    private static final int HOSTS = 10_000;
    private static final int REGEXES = 1_000;

    private Router router;
    private Router unanchored;
    private String firstHost;
    private String lastHost;
    private String otherHost;
    private String path;
    private String firstRegexPath;
    private String lastRegexPath;

    @Setup
    public void setUp() {
        List<RouteConfig> routes = new ArrayList<>();
        for (int i = 0; i < HOSTS; i++) {
            routes.add(new RouteConfig("h" + i, new MatchConfig("h" + i + ".bench.test", null, Set.of()), "u"));
        }
        for (int i = 0; i < REGEXES; i++) {
            routes.add(new RouteConfig("r" + i, new MatchConfig(null, null, Set.of(), null, "^/r" + i + "/[0-9a-z]+$",
                    Map.of(), Map.of()), "u"));
        }
        routes.add(new RouteConfig("rest", MatchConfig.ANY, "u"));
        router = new Router(routes);
        List<RouteConfig> regexOnly = new ArrayList<>();
        for (int i = 0; i < REGEXES; i++) {
            regexOnly.add(new RouteConfig("u" + i, new MatchConfig(null, null, Set.of(), null, "/r" + i + "/[0-9a-z]+$",
                    Map.of(), Map.of()), "u"));
        }
        unanchored = new Router(regexOnly);
        // Fresh strings, as the decoder makes them, so equals() cannot succeed on identity.
        firstHost = fresh("h0.bench.test");
        lastHost = fresh("h" + (HOSTS - 1) + ".bench.test");
        otherHost = fresh("other.test");
        path = fresh("/100b");
        firstRegexPath = fresh("/r0/100b");
        lastRegexPath = fresh("/r" + (REGEXES - 1) + "/100b");
        check(firstHost, path, "h0");
        check(lastHost, path, "h" + (HOSTS - 1));
        check(otherHost, firstRegexPath, "r0");
        check(otherHost, lastRegexPath, "r" + (REGEXES - 1));
        check(otherHost, path, "rest");
    }

    @Benchmark
    public Route firstHost() {
        return router.match(firstHost, path, HttpMethod.GET);
    }

    @Benchmark
    public Route lastHost() {
        return router.match(lastHost, path, HttpMethod.GET);
    }

    @Benchmark
    public Route firstRegex() {
        return router.match(otherHost, firstRegexPath, HttpMethod.GET);
    }

    @Benchmark
    public Route lastRegex() {
        return router.match(otherHost, lastRegexPath, HttpMethod.GET);
    }

    /** 1,000 regexes without a literal start, the last one matching: RE2/J runs for each. */
    @Benchmark
    public Route unanchoredLastRegex() {
        return unanchored.match(otherHost, lastRegexPath, HttpMethod.GET);
    }

    /** Every regex tried and failed, then the catch-all. */
    @Benchmark
    public Route catchAllBehindEveryRegex() {
        return router.match(otherHost, path, HttpMethod.GET);
    }

    private static String fresh(String s) {
        return new String(s.toCharArray());
    }

    private void check(String host, String p, String expected) {
        Route r = router.match(host, p, HttpMethod.GET);
        if (r == null || !r.name().equals(expected)) {
            throw new IllegalStateException(host + p + " matched " + (r == null ? null : r.name()) + ", expected " + expected);
        }
    }
}
