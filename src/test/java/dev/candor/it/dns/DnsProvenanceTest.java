package dev.candor.it.dns;

import dev.candor.failure.FailureReport;
import dev.candor.testing.BackendScript;
import dev.candor.testing.Cleanup;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawHttp;
import dev.candor.testing.RawResponse;
import dev.candor.testing.Reply;
import dev.candor.testing.TestBackend;
import dev.candor.testing.TestDnsServer;
import dev.candor.upstream.Endpoint;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * docs/dns.md "DNS in the evidence": a failure says where its address came from — and states it when
 * the address has left DNS, or when a name's addresses fare differently (the IPv4-only backend).
 */
class DnsProvenanceTest {
    @AutoClose
    final Cleanup cleanup = new Cleanup();
    final TestDnsServer dns = cleanup.add(TestDnsServer.start());

    @Test
    void aFailureOnAnAddressThatLeftDnsSaysSoAndWhereTheNamePointsNow() {
        CompletableFuture<Reply> held = new CompletableFuture<>();
        TestBackend old = cleanup.add(TestBackend.start((request, reply) -> held.complete(reply)));
        cleanup.add(TestBackend.startOn("127.0.0.2", old.port(), BackendScript.ok("new")));
        dns.a("app.test", 1, "127.0.0.1");
        ProxyUnderTest proxy = cleanup.add(DnsProxy.start(dns, "", """
                endpoints:
                  - address: app.test:%d
                """.formatted(old.port())));
        RawHttp client = cleanup.add(proxy.connect());
        client.send(RawHttp.request("GET", "/in-flight"));
        Reply reply = held.join();

        dns.a("app.test", 1, "127.0.0.2");
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.server().upstreams().get("app").endpoints().stream()
                .map(Endpoint::label).toList().equals(List.of("127.0.0.2:" + old.port())));
        reply.close();
        RawResponse r = client.read();

        assertThat(r.status()).isEqualTo(502);
        proxy.awaitEntry(r);
        FailureReport report = proxy.server().failures().find(r.header("X-Request-Id"));
        assertThat(report.error().token()).isEqualTo("connection_terminated");
        assertThat(report.dns()).singleElement().satisfies(d -> {
            assertThat(d.address()).isEqualTo("127.0.0.1:" + old.port());
            assertThat(d.inAnswer()).isFalse();
            assertThat(d.leftAt()).isNotNull();
            assertThat(d.answer()).containsExactly("127.0.0.2");
            assertThat(d.note()).matches("127\\.0\\.0\\.1:" + old.port() + " left DNS while the request was in flight and is no longer in the "
                    + "answer for app\\.test:" + old.port() + "; it now resolves to 127\\.0\\.0\\.2:" + old.port());
        });
        assertThat(report.detail()).contains("left DNS");
    }

    @Test
    void aNameWhoseIpv6AddressIsRefusedWhileIpv4WorksIsAnIpv4OnlyBackend() {
        TestBackend backend = cleanup.add(TestBackend.answering("v4"));
        dns.a("dual.test", 60, "127.0.0.1").aaaa("dual.test", 60, "::1");
        ProxyUnderTest proxy = cleanup.add(DnsProxy.start(dns, "", """
                endpoints:
                  - address: dual.test:%d
                balancer: round_robin
                retries: { attempts: 0 }
                outlier_detection: off
                """.formatted(backend.port())));

        List<RawResponse> failed = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            RawResponse r = proxy.get("/" + i);
            if (r.status() != 200) {
                failed.add(r);
            }
        }

        assertThat(failed).hasSize(3).allSatisfy(r -> assertThat(r.header("Proxy-Status")).contains("connection_refused"));
        proxy.awaitEntry(failed.get(2));
        FailureReport last = proxy.server().failures().find(failed.get(2).header("X-Request-Id"));
        int port = backend.port();
        assertThat(last.dns()).singleElement().satisfies(d -> {
            assertThat(d.perAddress()).contains("[::1]:" + port + " connection_refused 100 %", "127.0.0.1:" + port + " healthy");
            assertThat(d.note()).endsWith("-> the backend listens on IPv4 only: make it listen on IPv6 too, or give the "
                    + "IPv4 address instead of dual.test");
        });
        assertThat(last.detail()).contains("the backend listens on IPv4 only");
    }
}
