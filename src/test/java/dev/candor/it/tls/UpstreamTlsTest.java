package dev.candor.it.tls;

import dev.candor.failure.ErrorType;
import dev.candor.failure.FailureReport;
import dev.candor.failure.Phase;
import dev.candor.observe.AccessLogEntry;
import dev.candor.testing.Cleanup;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawHttp;
import dev.candor.testing.RawResponse;
import dev.candor.testing.TestBackend;
import dev.candor.testing.TestPki;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * TLS to upstreams against real TLS backends on 127.0.0.1: a verified connection works and its
 * handshake time is logged; each way the handshake can fail gets its RFC 9209 type and a detail that
 * names the reason (dates, names, issuer, alert, plain HTTP).
 */
class UpstreamTlsTest {
    @TempDir
    Path dir;

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private TestPki ca;

    @BeforeEach
    void newCa() {
        ca = TestPki.newCa(dir, "Upstream CA");
    }

    private TestBackend tlsBackend(TestPki.Issued cert) {
        return tlsBackend(cert, b -> b);
    }

    private TestBackend tlsBackend(TestPki.Issued cert, UnaryOperator<SslContextBuilder> custom) {
        try {
            SslContext context = custom.apply(SslContextBuilder.forServer(cert.keys().getPrivate(), cert.certificate())).build();
            return cleanup.add(TestBackend.startTls(context, (request, reply) -> reply.send(200, "secure hello")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ProxyUnderTest proxy(int port, String tlsYaml) {
        return cleanup.add(ProxyUnderTest.inFrontOf(port, "errors: { expose: details }", tlsYaml));
    }

    private String verifiedBy(TestPki issuer) {
        return "tls:\n  ca: " + issuer.caFile() + "\n";
    }

    /** What one failed request showed: the reply, its log line and its report. */
    private record Failure(RawResponse response, AccessLogEntry entry, FailureReport report) {
    }

    private Failure failingRequest(ProxyUnderTest proxy, ErrorType expected) {
        RawResponse response = proxy.get("/", "Accept: application/json");
        AccessLogEntry entry = proxy.awaitEntry(response);
        assertThat(response.status()).as("detail: %s", entry.errorDetail()).isEqualTo(expected.status());
        assertThat(response.header("Proxy-Status")).startsWith("candor; error=" + expected.token() + ";");
        assertThat(entry.error()).isEqualTo(expected.token());
        assertThat(entry.upstreamStatus()).isNull();
        FailureReport report = await().atMost(Duration.ofSeconds(5))
                .until(() -> proxy.server().failures().find(entry.requestId()), Objects::nonNull);
        assertThat(report.detail()).isEqualTo(entry.errorDetail());
        return new Failure(response, entry, report);
    }

    @Test
    void aVerifiedUpstreamIsProxiedAndItsHandshakeTimeLoggedOnce() {
        TestBackend backend = tlsBackend(ca.issue("127.0.0.1").write("backend"));
        ProxyUnderTest proxy = proxy(backend.port(), verifiedBy(ca));

        // One client connection, so both requests run on one event loop and share its pooled connection.
        RawHttp client = cleanup.add(proxy.connect());
        RawResponse first = client.send(RawHttp.request("GET", "/one", "Host: test")).read();
        RawResponse second = client.send(RawHttp.request("GET", "/two", "Host: test")).read();

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.bodyText()).isEqualTo("secure hello");
        AccessLogEntry firstEntry = proxy.awaitEntry(first);
        assertThat(firstEntry.connectMs()).isNotNull();
        assertThat(firstEntry.tlsMs()).as("a new connection's handshake").isNotNull().isPositive();
        assertThat(second.status()).isEqualTo(200);
        assertThat(proxy.awaitEntry(second).tlsMs()).as("the pooled connection is reused: no handshake").isNull();
        assertThat(backend.acceptedConnections()).isEqualTo(1);
    }

    @Test
    void sniNamesTheCertificateToExpectWhenTheEndpointIsAnAddress() {
        TestBackend backend = tlsBackend(ca.issue("backend.test").write("named"));
        ProxyUnderTest proxy = proxy(backend.port(), verifiedBy(ca) + "  sni: backend.test\n");

        assertThat(proxy.get("/").status()).isEqualTo(200);
    }

    @Test
    void anExpiredCertificateIsATlsCertificateErrorWithItsEndDate() {
        Instant ended = Instant.now().minus(Duration.ofDays(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        TestBackend backend = tlsBackend(ca.issue("127.0.0.1")
                .validity(ended.minus(Duration.ofDays(90)), ended).write("expired"));
        Failure f = failingRequest(proxy(backend.port(), verifiedBy(ca)), ErrorType.TLS_CERTIFICATE_ERROR);

        assertThat(f.entry().errorDetail()).isEqualTo("TLS handshake with 127.0.0.1:" + backend.port()
                + " failed: certificate expired: CN=127.0.0.1 was valid until " + ended);
        assertThat(f.report().cause().phase()).isEqualTo(Phase.TLS);
        assertThat(f.report().confirm()).isEqualTo("openssl s_client -connect '127.0.0.1:" + backend.port() + "' -CAfile '"
                + ca.caFile() + "' -verify_return_error -verify_ip '127.0.0.1' </dev/null");
        assertThat(f.entry().tlsMs()).as("time until the handshake failed").isNotNull();
        assertThat(f.report().attempts()).singleElement()
                .satisfies(a -> assertThat(a.timings().tlsMs()).isNotNull());
    }

    @Test
    void aCertificateNotValidYetIsATlsCertificateError() {
        Instant from = Instant.now().plus(Duration.ofDays(3)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        TestBackend backend = tlsBackend(ca.issue("127.0.0.1").validity(from, from.plus(Duration.ofDays(90))).write("future"));
        Failure f = failingRequest(proxy(backend.port(), verifiedBy(ca)), ErrorType.TLS_CERTIFICATE_ERROR);

        assertThat(f.entry().errorDetail()).contains("certificate not yet valid: CN=127.0.0.1 is valid from " + from);
    }

    @Test
    void aCertificateForAnotherNameIsATlsCertificateErrorNamingBothNames() {
        TestBackend backend = tlsBackend(ca.issue("other.test", "www.other.test").write("other"));
        Failure f = failingRequest(proxy(backend.port(), verifiedBy(ca)), ErrorType.TLS_CERTIFICATE_ERROR);

        assertThat(f.entry().errorDetail()).endsWith("failed: certificate name mismatch: expected '127.0.0.1',"
                + " the certificate is for other.test, www.other.test (set tls.sni to one of its names, or reissue it)");
    }

    @Test
    void theSniNameIsWhatTheCertificateMustMatch() {
        TestBackend backend = tlsBackend(ca.issue("127.0.0.1", "a.test").write("ip"));
        Failure f = failingRequest(proxy(backend.port(), verifiedBy(ca) + "  sni: b.test\n"), ErrorType.TLS_CERTIFICATE_ERROR);

        assertThat(f.entry().errorDetail()).contains("expected 'b.test', the certificate is for 127.0.0.1, a.test");
    }

    @Test
    void aCertificateFromAnUntrustedCaIsATlsCertificateErrorNamingTheIssuer() {
        TestPki other = TestPki.newCa(dir, "Somebody Else CA");
        TestBackend backend = tlsBackend(other.issue("127.0.0.1").write("stranger"));
        Failure f = failingRequest(proxy(backend.port(), verifiedBy(ca)), ErrorType.TLS_CERTIFICATE_ERROR);

        assertThat(f.entry().errorDetail()).contains("certificate not trusted: CN=127.0.0.1 chains up to CN=Somebody Else CA,"
                + " which is not a trusted CA (set tls.ca to the CA that issued it)");
    }

    @Test
    void withVerifyOffAnUntrustedCertificateIsAccepted() {
        TestPki other = TestPki.newCa(dir, "Somebody Else CA");
        TestBackend backend = tlsBackend(other.issue("wrong.test").write("stranger"));
        ProxyUnderTest proxy = proxy(backend.port(), "tls:\n  verify: false\n");

        assertThat(proxy.get("/").status()).isEqualTo(200);
    }

    @Test
    void anUpstreamAnsweringPlainHttpOnTheTlsPortIsATlsProtocolError() {
        PlainHttpPort plain = cleanup.add(new PlainHttpPort());
        Failure f = failingRequest(proxy(plain.port(), verifiedBy(ca)), ErrorType.TLS_PROTOCOL_ERROR);

        assertThat(f.entry().errorDetail()).isEqualTo("TLS handshake with 127.0.0.1:" + plain.port()
                + " failed: the upstream answered in plain HTTP ('HTTP/1.1 400 Bad Request'): this port does not"
                + " speak TLS; remove tls from the upstream or use its HTTPS port");
    }

    @Test
    void aTlsOnlyPortThatHangsUpOnPlainHttpIsNamedAsTheLikelyCause() {
        TestBackend backend = tlsBackend(ca.issue("127.0.0.1").write("backend"));
        Failure f = failingRequest(proxy(backend.port(), ""), ErrorType.CONNECTION_TERMINATED);

        assertThat(f.entry().errorDetail()).isEqualTo("127.0.0.1:" + backend.port() + " closed the connection before a"
                + " complete response header (a new connection: if that port speaks only HTTPS, set tls on upstream 'app')");
    }

    @Test
    void aTlsPortAnsweringPlainHttpWithAnAlertIsAnHttpProtocolErrorSayingItExpectsHttps() {
        AlertingTlsPort port = cleanup.add(new AlertingTlsPort());
        Failure f = failingRequest(proxy(port.port(), ""), ErrorType.HTTP_PROTOCOL_ERROR);

        assertThat(f.entry().errorDetail()).contains("the upstream answered with a TLS record (hex 15030300020246)")
                .contains("the port expects HTTPS");
    }

    @Test
    void noVersionInCommonIsATlsProtocolErrorNamingTheAlert() {
        TestBackend backend = tlsBackend(ca.issue("127.0.0.1").write("old"), b -> b.protocols("TLSv1.2"));
        Failure f = failingRequest(proxy(backend.port(), verifiedBy(ca) + "  min_version: \"1.3\"\n"),
                ErrorType.TLS_PROTOCOL_ERROR);

        assertThat(f.entry().errorDetail()).endsWith("failed: the upstream sent TLS alert 70 (protocol_version): no TLS"
                + " version or cipher suite in common (Candor offers TLS 1.2 and 1.3 with ECDHE and AEAD suites only)");
    }

    @Test
    void mutualTlsPresentsTheClientCertificateTheUpstreamRequires() {
        TestPki.Issued client = ca.issue("candor-client").forClient().write("client");
        TestBackend backend = tlsBackend(ca.issue("127.0.0.1").write("backend"),
                b -> b.clientAuth(ClientAuth.REQUIRE).trustManager(ca.certificate()));
        ProxyUnderTest proxy = proxy(backend.port(), verifiedBy(ca)
                + "  cert: " + client.certFile() + "\n  key: " + client.keyFile() + "\n");

        RawResponse response = proxy.get("/mtls");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bodyText()).isEqualTo("secure hello");
    }

    @Test
    void aRequestMeetingAnExpiredCertificateIsRetriedOnAnotherEndpoint() {
        Instant ended = Instant.now().minus(Duration.ofDays(1));
        TestBackend expired = tlsBackend(ca.issue("127.0.0.1").validity(ended.minus(Duration.ofDays(30)), ended).write("bad"));
        TestBackend good = tlsBackend(ca.issue("127.0.0.1").write("good"));
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOfAll(java.util.List.of(expired.port(), good.port()), "",
                verifiedBy(ca)));

        RawResponse response = proxy.get("/", "Content-Length: 0");
        AccessLogEntry entry = proxy.awaitEntry(response);

        assertThat(response.status()).isEqualTo(200);
        assertThat(entry.attempts()).isEqualTo(2);
        assertThat(entry.error()).isNull();
        assertThat(proxy.endpoint(expired.port()).health().errors(ErrorType.TLS_CERTIFICATE_ERROR)).isEqualTo(1);
    }

    @Test
    void aTls13UpstreamThatRequiresAClientCertificateSaysSoAfterTheHandshakeAsATlsProtocolError() {
        TestBackend backend = tlsBackend(ca.issue("127.0.0.1").write("backend"),
                b -> b.clientAuth(ClientAuth.REQUIRE).trustManager(ca.certificate()));
        Failure f = failingRequest(proxy(backend.port(), verifiedBy(ca)), ErrorType.TLS_PROTOCOL_ERROR);

        assertThat(f.entry().errorDetail()).startsWith("connection to 127.0.0.1:" + backend.port()
                + ": the upstream ended the TLS session: ").endsWith("check tls.cert and tls.key)");
        assertThat(f.report().cause().phase()).isEqualTo(Phase.AWAIT_HEADERS);
    }

    @Test
    void healthProbesUseTlsAndReportItsFailures() {
        Instant ended = Instant.now().minus(Duration.ofDays(1));
        TestBackend good = tlsBackend(ca.issue("127.0.0.1").write("good"));
        TestBackend expired = tlsBackend(ca.issue("127.0.0.1").validity(ended.minus(Duration.ofDays(30)), ended).write("bad"));
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOfAll(java.util.List.of(good.port(), expired.port()), "",
                verifiedBy(ca) + """
                        health_check:
                          path: /health
                          interval: 300ms
                          timeout: 250ms
                          unhealthy_threshold: 1
                        """));

        // Until the first probes have run there is no last probe to look at (a null): keep waiting then.
        await().atMost(Duration.ofSeconds(10)).ignoreException(NullPointerException.class).untilAsserted(() -> {
            assertThat(proxy.endpoint(expired.port()).health().unhealthyError()).isEqualTo(ErrorType.TLS_CERTIFICATE_ERROR);
            assertThat(proxy.endpoint(expired.port()).health().lastProbe().detail()).contains("certificate expired");
            assertThat(good.requests()).anySatisfy(r -> assertThat(r.uri()).isEqualTo("/health"));
            assertThat(proxy.endpoint(good.port()).health().lastProbe().ok()).isTrue();
        });
    }

    /** A port that answers whatever arrives with a fatal protocol_version alert, as some TLS stacks do to plain HTTP. */
    private static final class AlertingTlsPort extends PlainHttpPort {
        AlertingTlsPort() {
            super(new byte[]{0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46});
        }
    }

    /** A port that answers anything with a plain-HTTP 400, as nginx or Node do when TLS arrives. */
    private static class PlainHttpPort implements AutoCloseable {
        private final ServerSocket server;
        private final byte[] answer;

        PlainHttpPort() {
            this("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }

        PlainHttpPort(byte[] answer) {
            this.answer = answer;
            try {
                server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Thread t = new Thread(this::serve, "plain-http-port");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void serve() {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    s.getInputStream().read(new byte[1024]);
                    s.getOutputStream().write(answer);
                } catch (IOException e) {
                    // closed by the test, or the proxy hung up
                }
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

}
