package dev.candor.it.tls;

import dev.candor.testing.Cleanup;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawHttp;
import dev.candor.testing.RawResponse;
import dev.candor.testing.TestBackend;
import dev.candor.testing.TestPki;
import dev.candor.testing.TlsClients;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TLS termination on a listener, checked from real TLS clients: the certificate chosen by SNI (exact,
 * wildcard, default), the key formats, what is forwarded, and which TLS versions are refused.
 */
class TlsTerminationTest {
    @TempDir
    Path dir;

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private TestPki ca;
    private TestPki.Issued site;
    private TestPki.Issued api;
    private TestPki.Issued ec;
    private TestBackend backend;
    private ProxyUnderTest proxy;
    private SSLContext client;

    @BeforeEach
    void start() {
        ca = TestPki.newCa(dir, "Candor Test CA");
        site = ca.issue("site.test").write("site"); // EC, PKCS#8
        api = ca.issue("api.test", "*.api.test").rsa().keyFormat(TestPki.KeyFormat.TRADITIONAL).write("api"); // PKCS#1
        ec = ca.issue("ec.test").keyFormat(TestPki.KeyFormat.TRADITIONAL).write("ec"); // SEC 1
        backend = cleanup.add(TestBackend.answering("hello over tls"));
        proxy = cleanup.add(ProxyUnderTest.start("""
                listeners:
                  - address: 127.0.0.1:0
                    tls:
                      certificates:
                        - cert: ${SITE_CERT}
                          key: ${SITE_KEY}
                        - cert: ${API_CERT}
                          key: ${API_KEY}
                        - cert: ${EC_CERT}
                          key: ${EC_KEY}
                workers: 1
                routes:
                  - upstream: app
                upstreams:
                  app:
                    endpoints:
                      - address: 127.0.0.1:${BACKEND_PORT}
                """, Map.of("SITE_CERT", site.certFile(), "SITE_KEY", site.keyFile(),
                "API_CERT", api.certFile(), "API_KEY", api.keyFile(),
                "EC_CERT", ec.certFile(), "EC_KEY", ec.keyFile(), "BACKEND_PORT", backend.port())));
        client = TlsClients.trusting(ca.certificate());
    }

    private X509Certificate served(String sni) {
        // A new client context each time: a shared one would offer the session of the previous name.
        try (SSLSocket s = TlsClients.connect(proxy.address(), TlsClients.trusting(ca.certificate()), sni)) {
            return TlsClients.peer(s);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void sniPicksTheCertificateWhoseNameMatchesExactlyOrByWildcard() {
        assertThat(served("api.test")).isEqualTo(api.certificate());
        assertThat(served("v2.api.test")).as("wildcard").isEqualTo(api.certificate());
        assertThat(served("site.test")).isEqualTo(site.certificate());
        assertThat(served("ec.test")).as("an EC key in SEC 1 form").isEqualTo(ec.certificate());
    }

    @Test
    void aClientWithoutSniOrWithAnUnknownNameGetsTheFirstCertificate() {
        assertThat(served(null)).isEqualTo(site.certificate());
        SSLSocket unknown = unverified("nobody.test");
        assertThat(TlsClients.peer(unknown)).isEqualTo(site.certificate());
        assertThat(unknown.getSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
    }

    @Test
    void requestsOverTlsReachTheUpstreamWithXForwardedProtoHttps() {
        SSLSocket socket = cleanup.add(TlsClients.connect(proxy.address(), client, "site.test"));
        RawHttp http = RawHttp.over(socket);
        RawResponse response = http.send(RawHttp.request("GET", "/secure", "Host: site.test")).read();

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bodyText()).isEqualTo("hello over tls");
        assertThat(backend.awaitRequest().header("X-Forwarded-Proto")).isEqualTo("https");
        assertThat(proxy.awaitEntry(response).status()).isEqualTo(200);
        assertThat(proxy.awaitEntry(response).tlsMs()).as("the upstream is plain HTTP").isNull();
        // keep-alive over TLS: a second request on the same connection
        RawResponse again = http.send(RawHttp.request("GET", "/again", "Host: site.test")).read();
        assertThat(again.status()).isEqualTo(200);
        assertThat(backend.awaitRequests(2)).hasSize(2);
    }

    @Test
    void aTls12ClientIsServed() {
        SSLSocket socket = cleanup.add(unverifiedWith("site.test", "TLSv1.2"));
        assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.2");
        assertThat(socket.getSession().getCipherSuite()).contains("ECDHE").containsAnyOf("GCM", "CHACHA20");
    }

    @Test
    void aReturningClientResumesItsSessionInsteadOfAFullHandshake() throws IOException {
        SSLContext returning = TlsClients.trusting(ca.certificate());
        for (String protocol : new String[]{"TLSv1.2", "TLSv1.3"}) {
            byte[] firstId;
            long firstCreated;
            try (SSLSocket first = connectWith(returning, "site.test", protocol)) {
                RawHttp.over(first).send(RawHttp.request("GET", "/", "Host: site.test")).read();
                firstId = first.getSession().getId();
                firstCreated = first.getSession().getCreationTime();
            }
            try (SSLSocket second = connectWith(returning, "site.test", protocol)) {
                // A resumed session is the same session: same creation time (and, in TLS 1.2, same id).
                assertThat(second.getSession().getCreationTime()).as(protocol).isEqualTo(firstCreated);
                if (protocol.equals("TLSv1.2")) {
                    assertThat(second.getSession().getId()).isEqualTo(firstId);
                }
            }
        }
    }

    private SSLSocket connectWith(SSLContext context, String sni, String protocol) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
        socket.connect(proxy.address(), 5_000);
        socket.setSoTimeout(5_000);
        SSLParameters p = socket.getSSLParameters();
        p.setServerNames(java.util.List.of(new javax.net.ssl.SNIHostName(sni)));
        p.setProtocols(new String[]{protocol});
        socket.setSSLParameters(p);
        socket.startHandshake();
        return socket;
    }

    @Test
    void tls10And11ClientsAreRefusedWithAProtocolVersionAlert() throws IOException {
        for (int minor : new int[]{1, 2}) { // TLS 1.0 is 3.1, TLS 1.1 is 3.2
            try (Socket raw = new Socket()) {
                raw.connect(proxy.address(), 5_000);
                raw.setSoTimeout(5_000);
                OutputStream out = raw.getOutputStream();
                out.write(OldClientHello.bytes(minor, "site.test"));
                out.flush();
                byte[] answer = InputStreamReading.readUpTo(raw.getInputStream(), 7);
                assertThat(answer).as("TLS 1.%d ClientHello answered with", minor - 1).hasSize(7);
                assertThat(answer[0]).as("an alert record").isEqualTo((byte) 21);
                assertThat(answer[5]).as("fatal").isEqualTo((byte) 2);
                assertThat(answer[6]).as("protocol_version").isEqualTo((byte) 70);
            }
        }
    }

    private SSLSocket unverified(String sni) {
        return unverifiedWith(sni, null);
    }

    /** Sends {@code sni} without checking the name (to see what a mismatching client is given). */
    private SSLSocket unverifiedWith(String sni, String protocol) {
        try {
            SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket();
            cleanup.add(socket);
            socket.connect(proxy.address(), 5_000);
            socket.setSoTimeout(5_000);
            SSLParameters p = socket.getSSLParameters();
            p.setServerNames(java.util.List.of(new javax.net.ssl.SNIHostName(sni)));
            if (protocol != null) {
                p.setProtocols(new String[]{protocol});
            }
            socket.setSSLParameters(p);
            socket.startHandshake();
            return socket;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Reads exactly n bytes, or fewer when the peer closes first. */
    static final class InputStreamReading {
        static byte[] readUpTo(InputStream in, int n) throws IOException {
            byte[] buf = new byte[n];
            int got = 0;
            while (got < n) {
                int r = in.read(buf, got, n - got);
                if (r < 0) {
                    break;
                }
                got += r;
            }
            return java.util.Arrays.copyOf(buf, got);
        }
    }

    /** A ClientHello offering at most TLS 1.{minor-1}, with only pre-TLS 1.2 suites, written byte by byte. */
    static final class OldClientHello {
        static byte[] bytes(int minor, String sni) {
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
            body.write(3);
            body.write(minor);
            body.writeBytes(new byte[32]); // random
            body.write(0); // no session id
            body.writeBytes(new byte[]{0, 6, (byte) 0xc0, 0x13, (byte) 0xc0, 0x09, 0x00, 0x2f}); // ECDHE-RSA/ECDSA-AES128-SHA, RSA-AES128-SHA
            body.writeBytes(new byte[]{1, 0}); // null compression
            byte[] name = sni.getBytes(StandardCharsets.US_ASCII);
            java.io.ByteArrayOutputStream ext = new java.io.ByteArrayOutputStream();
            ext.writeBytes(new byte[]{0, 0}); // server_name
            int listLength = 3 + name.length;
            ext.writeBytes(new byte[]{0, (byte) (listLength + 2), 0, (byte) listLength, 0, 0, (byte) name.length});
            ext.writeBytes(name);
            ext.writeBytes(new byte[]{0, 0x0a, 0, 4, 0, 2, 0, 0x17}); // supported_groups: secp256r1
            ext.writeBytes(new byte[]{0, 0x0b, 0, 2, 1, 0}); // ec_point_formats: uncompressed
            byte[] extensions = ext.toByteArray();
            body.write(extensions.length >> 8);
            body.write(extensions.length);
            body.writeBytes(extensions);
            byte[] hello = body.toByteArray();
            java.io.ByteArrayOutputStream record = new java.io.ByteArrayOutputStream();
            record.writeBytes(new byte[]{22, 3, 1});
            int handshakeLength = hello.length + 4;
            record.write(handshakeLength >> 8);
            record.write(handshakeLength);
            record.writeBytes(new byte[]{1, 0, (byte) (hello.length >> 8), (byte) hello.length});
            record.writeBytes(hello);
            return record.toByteArray();
        }
    }
}
