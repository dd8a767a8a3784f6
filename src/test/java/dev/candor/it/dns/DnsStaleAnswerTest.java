package dev.candor.it.dns;

import dev.candor.failure.DnsEvidence;
import dev.candor.failure.FailureReport;
import dev.candor.testing.Cleanup;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawResponse;
import dev.candor.testing.TestBackend;
import dev.candor.testing.TestDnsServer;
import dev.candor.upstream.DnsSource;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * docs/dns.md "When the resolvers fail": the last good answer keeps traffic flowing past its TTL for
 * {@code dns.stale_for}, visibly (counter, evidence); after that the name has no addresses and requests
 * fail with the resolver's error.
 */
class DnsStaleAnswerTest {
    @AutoClose
    final Cleanup cleanup = new Cleanup();
    final TestDnsServer dns = cleanup.add(TestDnsServer.start());

    @Test
    void theLastGoodAnswerKeepsTrafficFlowingThroughAResolverOutageAndSaysItIsStale() {
        TestBackend backend = cleanup.add(TestBackend.answering("ok"));
        dns.a("app.test", 1, "127.0.0.1");
        ProxyUnderTest proxy = cleanup.add(DnsProxy.start(dns, "stale_for: 1m", """
                endpoints:
                  - address: app.test:%d
                """.formatted(backend.port())));
        DnsSource name = proxy.server().upstreams().get("app").dnsSources().get(0);
        assertThat(proxy.get("/before").status()).isEqualTo(200);

        dns.dropAll(true);
        await().atMost(Duration.ofSeconds(5)).until(name::isStale);
        for (int i = 0; i < 20; i++) {
            assertThat(proxy.get("/during" + i).status()).as("request %d during the outage", i).isEqualTo(200);
        }
        assertThat(proxy.server().dns().staleAnswers()).isPositive();
        assertThat(name.failure().timeout()).isTrue();

        backend.close();
        RawResponse failed = proxy.get("/refused");
        assertThat(failed.status()).isEqualTo(502);
        proxy.awaitEntry(failed);
        FailureReport report = proxy.server().failures().find(failed.header("X-Request-Id"));
        assertThat(report.dns()).singleElement().satisfies(d -> {
            assertThat(d.stale()).isTrue();
            assertThat(d.inAnswer()).isTrue();
            assertThat(d.answer()).containsExactly("127.0.0.1");
            assertThat(d.resolver()).isEqualTo(dns.address());
            assertThat(d.ttlSeconds()).isEqualTo(1);
            assertThat(d.lastFailure()).contains("no answer for app.test from " + dns.address());
            assertThat(d.note()).startsWith("app.test:" + backend.port() + " is served from a stale answer");
        });
        assertThat(proxy.awaitEntry(failed).errorDetail()).contains("is served from a stale answer");

        dns.dropAll(false);
        await().atMost(Duration.ofSeconds(10)).until(() -> !name.isStale() && name.failure() == null);
    }

    @Test
    void afterStaleForTheNameHasNoAddressesAndRequestsFailWithTheResolversError() {
        TestBackend backend = cleanup.add(TestBackend.answering("ok"));
        dns.a("app.test", 1, "127.0.0.1");
        ProxyUnderTest proxy = cleanup.add(DnsProxy.start(dns, "stale_for: 0s", """
                endpoints:
                  - address: app.test:%d
                """.formatted(backend.port())));
        assertThat(proxy.get("/before").status()).isEqualTo(200);

        dns.dropAll(true);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> proxy.server().upstreams().get("app").endpoints().isEmpty());
        RawResponse r = proxy.get("/after");

        assertThat(r.status()).isEqualTo(504);
        assertThat(r.header("Proxy-Status")).contains("error=dns_timeout");
        proxy.awaitEntry(r);
        FailureReport report = proxy.server().failures().find(r.header("X-Request-Id"));
        assertThat(report.dns()).extracting(DnsEvidence::name).containsExactly("app.test:" + backend.port());
        assertThat(report.detail()).contains("no answer for app.test from " + dns.address());
    }
}
