package dev.candor.it.dns;

import dev.candor.failure.DnsEvidence;
import dev.candor.failure.FailureReport;
import dev.candor.observe.AccessLogEntry;
import dev.candor.testing.Cleanup;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawResponse;
import dev.candor.testing.TestBackend;
import dev.candor.testing.TestDnsServer;
import io.netty.handler.codec.dns.DnsResponseCode;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/errors.md "dns_error" and "dns_timeout": a name with no answer at all fails its requests with the
 * resolver's verdict — the rcode for an error, 504 for silence — and the evidence names the resolver.
 */
class DnsFailureTest {
    @AutoClose
    final Cleanup cleanup = new Cleanup();
    final TestDnsServer dns = cleanup.add(TestDnsServer.start());

    private ProxyUnderTest proxy(int port) {
        String yaml = """
                listeners:
                  - address: 127.0.0.1:0
                workers: 2
                errors: { expose: details }
                dns:
                  resolvers: ["${DNS}"]
                  timeout: 300ms
                routes:
                  - { match: { path_prefix: /nx }, upstream: nx }
                  - { match: { path_prefix: /servfail }, upstream: servfail }
                  - { match: { path_prefix: /refused }, upstream: refused }
                  - { match: { path_prefix: /silent }, upstream: silent }
                  - { match: { path_prefix: /mixed }, upstream: mixed }
                upstreams:
                  nx: { endpoints: [ { address: "missing.test:${PORT}" } ] }
                  servfail: { endpoints: [ { address: "broken.test:${PORT}" } ] }
                  refused: { endpoints: [ { address: "closed.test:${PORT}" } ] }
                  silent: { endpoints: [ { address: "silent.test:${PORT}" } ] }
                  mixed: { endpoints: [ { address: "missing.test:${PORT}" }, { address: "127.0.0.1:${PORT}" } ] }
                """;
        return cleanup.add(ProxyUnderTest.start(yaml, Map.of("DNS", dns.address(), "PORT", port)));
    }

    @Test
    void eachResolverVerdictBecomesItsErrorTypeWithTheRcodeAndTheResolver() {
        TestBackend backend = cleanup.add(TestBackend.answering("up"));
        dns.rcode("broken.test", DnsResponseCode.SERVFAIL)
                .rcode("closed.test", DnsResponseCode.REFUSED)
                .a("silent.test", 60, "127.0.0.1").drop("silent.test", true);
        ProxyUnderTest proxy = proxy(backend.port());

        RawResponse nx = proxy.get("/nx", "Accept: application/json");
        RawResponse servfail = proxy.get("/servfail");
        RawResponse refused = proxy.get("/refused");
        RawResponse silent = proxy.get("/silent");

        assertThat(nx.status()).isEqualTo(502);
        assertThat(nx.header("Proxy-Status")).startsWith("candor; error=dns_error").contains("rcode=\"NXDOMAIN\"");
        assertThat(nx.bodyText()).contains("\"error\":\"dns_error\"", "missing.test does not exist (NXDOMAIN from "
                + dns.address() + ")");
        assertThat(servfail.status()).isEqualTo(502);
        assertThat(servfail.header("Proxy-Status")).contains("error=dns_error", "rcode=\"SERVFAIL\"");
        assertThat(refused.status()).isEqualTo(502);
        assertThat(refused.header("Proxy-Status")).contains("error=dns_error", "rcode=\"REFUSED\"");
        assertThat(silent.status()).isEqualTo(504);
        assertThat(silent.header("Proxy-Status")).contains("error=dns_timeout").doesNotContain("rcode");

        AccessLogEntry entry = proxy.awaitEntry(nx);
        assertThat(entry.error()).isEqualTo("dns_error");
        assertThat(entry.attempts()).isZero();
        assertThat(entry.errorDetail()).contains("upstream 'nx' has no address to send to", "NXDOMAIN");

        FailureReport report = proxy.server().failures().find(nx.header("X-Request-Id"));
        assertThat(report.cause().error()).isEqualTo("NXDOMAIN");
        String[] resolver = dns.address().split(":");
        assertThat(report.confirm()).isEqualTo("dig @'" + resolver[0] + "' -p '" + resolver[1]
                + "' 'missing.test' A 'missing.test' AAAA");
        assertThat(report.dns()).singleElement().satisfies(d -> {
            assertThat(d.name()).isEqualTo("missing.test:" + backend.port());
            assertThat(d.answer()).isEmpty();
            assertThat(d.lastFailure()).contains("NXDOMAIN from " + dns.address());
        });
        proxy.awaitEntry(silent);
        FailureReport timeout = proxy.server().failures().find(silent.header("X-Request-Id"));
        assertThat(timeout.dns()).extracting(DnsEvidence::lastFailure).singleElement().asString()
                .contains("no answer for silent.test from " + dns.address() + " within 300 ms");
        assertThat(backend.requests()).isEmpty();
    }

    @Test
    void aNameThatDoesNotResolveLeavesTheOtherEndpointsServing() {
        TestBackend backend = cleanup.add(TestBackend.answering("up"));
        ProxyUnderTest proxy = proxy(backend.port());

        for (int i = 0; i < 5; i++) {
            assertThat(proxy.get("/mixed/" + i).status()).isEqualTo(200);
        }
        assertThat(proxy.server().upstreams().get("mixed").endpoints()).hasSize(1);
    }
}
