package dev.candor.it.resilience;

import dev.candor.testing.Cleanup;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawHttp;
import dev.candor.testing.RawResponse;
import dev.candor.testing.TestBackend;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/configuration.md "Balancers", seen from the backends: least_request steers around a slow
 * endpoint; the hash balancers keep a key on one endpoint, spread different keys, and when an endpoint
 * is drained move only the keys it had (consistent hashing).
 */
class BalancersEndToEndTest {

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    @Test
    void leastRequestSendsFarFewerConcurrentRequestsToTheEndpointThatHoldsItsResponses() throws Exception {
        TestBackend slow = cleanup.add(TestBackend.start((request, reply) -> CompletableFuture.runAsync(
                () -> reply.send(200, "slow"), CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS))));
        TestBackend fast = cleanup.add(TestBackend.answering("fast"));
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOfAll(List.of(slow.port(), fast.port()), "",
                "balancer: least_request"));

        int clients = 8;
        int perClient = 15;
        List<Callable<List<Integer>>> work = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            work.add(() -> {
                List<Integer> statuses = new ArrayList<>();
                for (int i = 0; i < perClient; i++) {
                    statuses.add(proxy.get("/c" + client + "-" + i).status());
                }
                return statuses;
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Integer> statuses = new ArrayList<>();
        try {
            for (Future<List<Integer>> f : pool.invokeAll(work, 30, TimeUnit.SECONDS)) {
                statuses.addAll(f.get());
            }
        } finally {
            pool.shutdownNow();
        }

        int total = clients * perClient;
        assertThat(statuses).hasSize(total).containsOnly(200);
        assertThat(slow.requests().size() + fast.requests().size()).isEqualTo(total);
        assertThat(slow.requests().size()).as("requests to the slow endpoint (round robin would give %d)", total / 2)
                .isLessThan(total / 5);
        assertThat(fast.requests().size()).isGreaterThan(4 * slow.requests().size());
        assertThat(proxy.awaitEntries(total)).allSatisfy(e -> assertThat(e.attempts()).isEqualTo(1));
        assertThat(List.of(proxy.endpoint(slow.port()), proxy.endpoint(fast.port())))
                .as("least_request's in-flight counts return to zero").allSatisfy(e -> assertThat(e.health().inFlight()).isZero());
    }

    /** How a test request carries key {@code n} for each hash balancer, and the balancer's config. */
    private static RawResponse keyed(String balancer, ProxyUnderTest proxy, int n, String path) {
        return switch (balancer) {
            case "ip_hash" -> {
                // 127.0.0.2, 127.0.0.3, ...: other client addresses on the same machine. X-Forwarded-For is not read.
                try (RawHttp c = RawHttp.connect(proxy.address(), loopback(2 + n))) {
                    yield c.send(RawHttp.request("GET", path, "X-Forwarded-For: 198.51.100." + (path.hashCode() & 0x7f)))
                            .read();
                }
            }
            case "header_hash(X-User)" -> proxy.get(path, "x-user: user-" + n);
            case "cookie_hash(session)" -> proxy.get(path, "Cookie: theme=dark; session=\"user-" + n + "\"; lang=en");
            default -> throw new IllegalArgumentException(balancer);
        };
    }

    private static InetAddress loopback(int last) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ip_hash", "header_hash(X-User)", "cookie_hash(session)"})
    void aKeyStaysOnOneEndpointKeysSpreadAndDrainingMovesOnlyTheDrainedEndpointsKeys(String balancer) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String name : List.of("b0", "b1", "b2")) {
            ports.put(name, cleanup.add(TestBackend.answering(name)).port());
        }
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOfAll(List.copyOf(ports.values()), "",
                "balancer: " + balancer));
        BiFunction<Integer, String, String> owner = (key, path) -> {
            RawResponse r = keyed(balancer, proxy, key, path);
            assertThat(r.status()).as("key %d (Proxy-Status: %s)", key, r.header("Proxy-Status")).isEqualTo(200);
            return r.bodyText();
        };

        String home = owner.apply(0, "/same-0");
        for (int i = 1; i < 50; i++) {
            assertThat(owner.apply(0, "/same-" + i)).as("request %d with key 0", i).isEqualTo(home);
        }

        int keys = 30;
        Map<Integer, String> before = new LinkedHashMap<>();
        for (int k = 0; k < keys; k++) {
            before.put(k, owner.apply(k, "/k" + k));
        }
        assertThat(new HashSet<>(before.values())).as("30 keys over 3 endpoints").hasSizeGreaterThanOrEqualTo(2);

        String drained = before.values().stream().reduce((a, b) -> count(before, a) >= count(before, b) ? a : b).orElseThrow();
        assertThat(proxy.server().drain("app", "127.0.0.1:" + ports.get(drained), true)).isTrue();
        Map<Integer, String> during = new LinkedHashMap<>();
        for (int k = 0; k < keys; k++) {
            during.put(k, owner.apply(k, "/d" + k));
        }
        for (int k = 0; k < keys; k++) {
            if (before.get(k).equals(drained)) {
                assertThat(during.get(k)).as("key %d was on the drained %s", k, drained).isNotEqualTo(drained);
            } else {
                assertThat(during.get(k)).as("key %d was not on the drained endpoint: it must not move", k)
                        .isEqualTo(before.get(k));
            }
        }

        assertThat(proxy.server().drain("app", "127.0.0.1:" + ports.get(drained), false)).isTrue();
        for (int k = 0; k < keys; k++) {
            assertThat(owner.apply(k, "/u" + k)).as("key %d back where it was", k).isEqualTo(before.get(k));
        }
    }

    @Test
    void headerHashWithoutTheHeaderSpreadsRequestsAtRandom() {
        List<TestBackend> backends = new ArrayList<>();
        for (String name : List.of("b0", "b1", "b2")) {
            backends.add(cleanup.add(TestBackend.answering(name)));
        }
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOfAll(
                backends.stream().map(TestBackend::port).toList(), "", "balancer: header_hash(X-User)"));

        for (int i = 0; i < 30; i++) {
            assertThat(proxy.get("/nokey-" + i).status()).isEqualTo(200);
        }

        assertThat(backends).filteredOn(b -> !b.requests().isEmpty()).as("backends that got keyless requests")
                .hasSizeGreaterThanOrEqualTo(2);
    }

    private static long count(Map<Integer, String> mapping, String value) {
        return mapping.values().stream().filter(value::equals).count();
    }
}
