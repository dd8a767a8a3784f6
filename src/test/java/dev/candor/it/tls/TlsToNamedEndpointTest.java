package dev.candor.it.tls;

import dev.candor.observe.AccessLogEntry;
import dev.candor.testing.Cleanup;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawResponse;
import dev.candor.testing.TestBackend;
import dev.candor.testing.TestDnsServer;
import dev.candor.testing.TestPki;
import io.netty.handler.ssl.SslContextBuilder;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An endpoint written as a DNS name: Candor connects to the address DNS gives and speaks TLS to the
 * name as configured — the SNI it sends and the name the certificate must carry.
 */
class TlsToNamedEndpointTest {
    @TempDir
    Path dir;

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private ProxyUnderTest proxyFor(String certificateName) throws IOException {
        TestPki ca = TestPki.newCa(dir, "Named CA");
        TestPki.Issued cert = ca.issue(certificateName).write("named");
        TestBackend backend = cleanup.add(TestBackend.startTls(
                SslContextBuilder.forServer(cert.keys().getPrivate(), cert.certificate()).build(),
                (request, reply) -> reply.send(200, "named")));
        TestDnsServer dns = cleanup.add(TestDnsServer.start().a("api.test", 60, "127.0.0.1"));
        return cleanup.add(ProxyUnderTest.start("""
                listeners:
                  - address: 127.0.0.1:0
                workers: 1
                errors: { expose: details }
                dns:
                  resolvers: ["${DNS}"]
                  timeout: 500ms
                routes:
                  - upstream: app
                upstreams:
                  app:
                    endpoints:
                      - address: api.test:${PORT}
                    tls:
                      ca: ${CA}
                """, Map.of("DNS", dns.address(), "PORT", backend.port(), "CA", ca.caFile())));
    }

    @Test
    void theConfiguredNameIsWhatTheCertificateMustCarry() throws IOException {
        ProxyUnderTest proxy = proxyFor("api.test");

        RawResponse response = proxy.get("/");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bodyText()).isEqualTo("named");
        assertThat(proxy.awaitEntry(response).tlsMs()).isNotNull();
    }

    @Test
    void aCertificateForAnotherNameNamesTheConfiguredOne() throws IOException {
        ProxyUnderTest proxy = proxyFor("other.test");

        RawResponse response = proxy.get("/");
        AccessLogEntry entry = proxy.awaitEntry(response);

        assertThat(response.status()).isEqualTo(502);
        assertThat(entry.error()).isEqualTo("tls_certificate_error");
        assertThat(entry.errorDetail()).contains("certificate name mismatch: expected 'api.test', the certificate is for other.test");
    }
}
