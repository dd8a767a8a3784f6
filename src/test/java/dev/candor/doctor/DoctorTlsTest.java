package dev.candor.doctor;

import dev.candor.testing.TestBackend;
import dev.candor.testing.TestPki;
import io.netty.handler.ssl.SslContextBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;

import static dev.candor.doctor.DoctorRun.error;
import static dev.candor.doctor.DoctorRun.status;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The TLS handshake with each endpoint of a TLS upstream, made with the proxy's own TLS client (SNI,
 * trust, verification), against real TLS backends on loopback.
 */
class DoctorTlsTest {

    @TempDir
    Path dir;

    private static TestBackend tlsBackend(TestPki.Issued cert) throws Exception {
        return TestBackend.startTls(SslContextBuilder.forServer(cert.keys().getPrivate(), cert.certificate()).build(),
                (request, reply) -> reply.send(200, "secure"));
    }

    private static String config(int port, String tls) {
        return DoctorScenarioTest.config("- address: 127.0.0.1:" + port, tls);
    }

    @Test
    void aVerifiedHandshakePassesWithItsProtocolSniAndCertificate() throws Exception {
        TestPki ca = TestPki.newCa(dir, "Doctor CA");
        try (TestBackend backend = tlsBackend(ca.issue("api.internal").write("api"))) {
            DoctorRun run = DoctorRun.run(dir, config(backend.port(), "tls: { ca: " + ca.caFile() + ", sni: api.internal }"),
                    "--json");

            JsonNode tls = run.check("backend.tls", "127.0.0.1:" + backend.port());
            assertThat(status(tls)).isEqualTo("PASS");
            assertThat(tls.get("evidence").get("sni").asString()).isEqualTo("api.internal");
            assertThat(tls.get("evidence").get("protocol").asString()).startsWith("TLSv1.");
            assertThat(tls.get("evidence").get("certificate").asString()).contains("CN=api.internal");
            assertThat(status(run.check("backend.response", "127.0.0.1:" + backend.port()))).isEqualTo("PASS");
            assertThat(run.exit()).isZero();
        }
    }

    @Test
    void aCertificateForAnotherNameFailsWithAnOpensslCommandForTheSameSni() throws Exception {
        TestPki ca = TestPki.newCa(dir, "Doctor CA");
        try (TestBackend backend = tlsBackend(ca.issue("other.internal").write("other"))) {
            DoctorRun run = DoctorRun.run(dir, config(backend.port(), "tls: { ca: " + ca.caFile() + ", sni: api.internal }"),
                    "--json");

            JsonNode tls = run.check("backend.tls", "127.0.0.1:" + backend.port());
            assertThat(status(tls)).isEqualTo("FAIL");
            assertThat(error(tls)).isEqualTo("tls_certificate_error");
            assertThat(tls.get("confirm").asString()).isEqualTo("openssl s_client -connect '127.0.0.1:" + backend.port()
                    + "' -servername 'api.internal' -CAfile '" + ca.caFile() + "' -verify_return_error"
                    + " -verify_hostname 'api.internal' </dev/null");
            assertThat(run.checks("backend.response")).isEmpty();
            assertThat(run.plan().get(0)).startsWith("fix TLS to 127.0.0.1:" + backend.port() + " (tls_certificate_error)");
            assertThat(run.exit()).isEqualTo(2);
        }
    }

    @Test
    void commandsThatConfirmABackendFailureOnATlsUpstreamSpeakTlsAsTheProxyDoes() throws Exception {
        TestPki ca = TestPki.newCa(dir, "Doctor CA");
        TestPki.Issued cert = ca.issue("api.internal").write("api");
        try (TestBackend backend = TestBackend.startTls(
                SslContextBuilder.forServer(cert.keys().getPrivate(), cert.certificate()).build(),
                (request, reply) -> reply.send(500, "broken"))) {
            DoctorRun run = DoctorRun.run(dir, config(backend.port(), "tls: { ca: " + ca.caFile() + ", sni: api.internal }"),
                    "--json");

            assertThat(status(run.check("backend.tls", "127.0.0.1:" + backend.port()))).isEqualTo("PASS");
            JsonNode response = run.check("backend.response", "127.0.0.1:" + backend.port());
            assertThat(status(response)).isEqualTo("FAIL");
            assertThat(response.get("confirm").asString()).isEqualTo("curl -sv -g -o /dev/null --cacert '" + ca.caFile()
                    + "' --connect-to 'api.internal:443:127.0.0.1:" + backend.port() + "' -H 'Host: 127.0.0.1:"
                    + backend.port() + "' 'https://api.internal/'");
            assertThat(run.exit()).isEqualTo(2);
        }
    }

    /** A proxy with a TLS listener on a fixed port (the doctor matches --url to the listener by port) for localhost. */
    private static String tlsListenerConfig(int port, TestPki.Issued cert, int backendPort) {
        return """
                listeners:
                  - address: 127.0.0.1:%d
                    tls:
                      certificates:
                        - { cert: %s, key: %s }
                routes:
                  - name: all
                    upstream: app
                upstreams:
                  app:
                    endpoints:
                      - address: 127.0.0.1:%d
                    pool: { idle_timeout: 300ms }
                """.formatted(port, cert.certFile(), cert.keyFile(), backendPort);
    }

    @Test
    void anHttpsUrlReachesCandorThroughTlsCheckedAgainstTheListenersOwnCertificate() throws Exception {
        TestPki ca = TestPki.newCa(dir, "Listener CA");
        TestPki.Issued cert = ca.issue("localhost").write("localhost");
        try (TestBackend backend = TestBackend.answering("items")) {
            String yaml = tlsListenerConfig(dev.candor.testing.Ports.freePort(), cert, backend.port());
            try (dev.candor.testing.ProxyUnderTest proxy = dev.candor.testing.ProxyUnderTest.start(yaml, java.util.Map.of())) {
                String url = "https://localhost:" + proxy.address().getPort() + "/v1/items";
                DoctorRun run = DoctorRun.run(dir, yaml, "--json", "--url", url);

                JsonNode through = run.check("bypass.proxy", url);
                assertThat(status(through)).isEqualTo("PASS");
                assertThat(through.get("evidence").get("status").asInt()).isEqualTo(200);
                assertThat(through.get("evidence").get("tls_trust").asString()).isEqualTo("listener");
                assertThat(through.get("evidence").get("tls_protocol").asString()).startsWith("TLSv1.");
                assertThat(through.get("evidence").get("certificate").asString()).contains("CN=localhost");
                assertThat(status(run.check("bypass.verdict", url))).isEqualTo("PASS");

                // The same listener asked for a name its certificate does not hold.
                String byIp = "https://127.0.0.1:" + proxy.address().getPort() + "/v1/items";
                DoctorRun wrongName = DoctorRun.run(dir, yaml, "--json", "--url", byIp);
                JsonNode failed = wrongName.check("bypass.proxy", byIp);
                assertThat(status(failed)).isEqualTo("FAIL");
                assertThat(error(failed)).isEqualTo("tls_certificate_error");
                assertThat(failed.get("evidence").get("detail").asString()).contains("127.0.0.1").contains("localhost");
                assertThat(failed.get("advice").asString()).startsWith("Candor's listener at 127.0.0.1:"
                        + proxy.address().getPort() + " fails the TLS handshake for 127.0.0.1");
            }
        }
    }

    @Test
    void plainHttpOnATlsUpstreamIsATlsProtocolError() {
        try (TestBackend plain = TestBackend.answering("plain")) {
            DoctorRun run = DoctorRun.run(dir, config(plain.port(), "tls: { verify: false }"), "--json");

            JsonNode tls = run.check("backend.tls", "127.0.0.1:" + plain.port());
            assertThat(status(tls)).isEqualTo("FAIL");
            assertThat(error(tls)).isEqualTo("tls_protocol_error");
            assertThat(tls.get("summary").asString()).contains("speak TLS");
            assertThat(run.exit()).isEqualTo(2);
        }
    }
}
