package dev.candor.it.dns;

import dev.candor.testing.BackendScript;
import dev.candor.testing.Cleanup;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.TestBackend;
import dev.candor.testing.TestDnsServer;
import dev.candor.testing.TestDnsServer.Srv;
import dev.candor.upstream.Endpoint;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * docs/dns.md "Service discovery with SRV": an upstream that names an SRV record takes its endpoints
 * from the targets, balances within the most preferred priority by SRV weight, falls back to the next
 * priority only when none of the first can take a request, and follows changes of the record.
 */
class SrvDiscoveryTest {
    @AutoClose
    final Cleanup cleanup = new Cleanup();
    final TestDnsServer dns = cleanup.add(TestDnsServer.start());

    private Map<String, Integer> spread(ProxyUnderTest proxy, int requests) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < requests; i++) {
            var r = proxy.get("/" + i);
            assertThat(r.status()).as("request %d (%s)", i, r.header("Proxy-Status")).isEqualTo(200);
            counts.merge(r.bodyText(), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void srvTargetsAreTheEndpointsWithPriorityAndWeightRespected() {
        TestBackend heavy = cleanup.add(TestBackend.answering("heavy"));
        TestBackend light = cleanup.add(TestBackend.answering("light"));
        TestBackend backup = cleanup.add(TestBackend.answering("backup"));
        dns.srv("_http._tcp.app.test", 60,
                        new Srv(10, 30, heavy.port(), "heavy.test"),
                        new Srv(10, 10, light.port(), "light.test"),
                        new Srv(20, 10, backup.port(), "backup.test"))
                .a("heavy.test", 60, "127.0.0.1").a("light.test", 60, "127.0.0.1").a("backup.test", 60, "127.0.0.1");
        ProxyUnderTest proxy = cleanup.add(DnsProxy.start(dns, "", """
                dns: { srv: _http._tcp.app.test }
                balancer: weighted_round_robin
                """));

        assertThat(spread(proxy, 40)).isEqualTo(Map.of("heavy", 30, "light", 10));

        String heavyLabel = "127.0.0.1:" + heavy.port();
        String lightLabel = "127.0.0.1:" + light.port();
        assertThat(proxy.server().drain("app", heavyLabel, true)).isTrue();
        assertThat(proxy.server().drain("app", lightLabel, true)).isTrue();
        assertThat(spread(proxy, 5)).as("priority 20 only once priority 10 has nothing usable")
                .isEqualTo(Map.of("backup", 5));
        proxy.server().drain("app", lightLabel, false);
        assertThat(spread(proxy, 5)).isEqualTo(Map.of("light", 5));
    }

    @Test
    void aChangedSrvRecordChangesTheEndpoints() {
        TestBackend first = cleanup.add(TestBackend.answering("first"));
        TestBackend second = cleanup.add(TestBackend.startOn("127.0.0.2", first.port(), BackendScript.ok("second")));
        dns.srv("_http._tcp.app.test", 1, new Srv(1, 1, first.port(), "first.test"))
                .a("first.test", 60, "127.0.0.1").a("second.test", 60, "127.0.0.2");
        ProxyUnderTest proxy = cleanup.add(DnsProxy.start(dns, "", "dns: { srv: _http._tcp.app.test }"));
        assertThat(spread(proxy, 3)).isEqualTo(Map.of("first", 3));

        dns.srv("_http._tcp.app.test", 1, new Srv(1, 1, first.port(), "second.test"));

        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.server().upstreams().get("app").endpoints().stream()
                .map(Endpoint::describe).toList()
                .equals(List.of("127.0.0.2:" + first.port() + " (second.test:" + first.port() + ")")));
        assertThat(spread(proxy, 3)).isEqualTo(Map.of("second", 3));
        assertThat(proxy.server().failures().total()).isZero();
    }
}
