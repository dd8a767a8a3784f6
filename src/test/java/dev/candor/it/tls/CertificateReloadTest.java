package dev.candor.it.tls;

import dev.candor.config.CandorConfig;
import dev.candor.config.ConfigException;
import dev.candor.config.ConfigLoader;
import dev.candor.testing.Cleanup;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawHttp;
import dev.candor.testing.TestBackend;
import dev.candor.testing.TestPki;
import dev.candor.testing.TlsClients;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import javax.net.ssl.SSLSocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * Certificates are read again when their files change: new handshakes get the new certificate, open
 * connections carry on with theirs, and a broken replacement leaves the running certificate in place.
 */
class CertificateReloadTest {
    @TempDir
    Path dir;

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private static final String YAML = """
                listeners:
                  - address: 127.0.0.1:0
                    tls:
                      certificates:
                        - cert: ${CERT}
                          key: ${KEY}
                workers: 1
                routes:
                  - upstream: app
                upstreams:
                  app:
                    endpoints:
                      - address: 127.0.0.1:${BACKEND_PORT}
                """;

    private TestPki ca;
    private Map<String, Object> vars;
    private TestPki.Issued original;
    private ProxyUnderTest proxy;

    @BeforeEach
    void start() {
        ca = TestPki.newCa(dir, "Reload CA");
        original = ca.issue("site.test").write("site");
        TestBackend backend = cleanup.add(TestBackend.answering("ok"));
        vars = new HashMap<>(Map.of("CERT", original.certFile(), "KEY", original.keyFile(), "BACKEND_PORT", backend.port()));
        proxy = cleanup.add(ProxyUnderTest.start(YAML, vars));
    }

    private X509Certificate servedNow() {
        try (SSLSocket s = TlsClients.connect(proxy.address(), TlsClients.trusting(ca.certificate()), "site.test")) {
            return TlsClients.peer(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aRenewedCertificateIsServedToNewConnectionsWhileOpenOnesKeepWorking() {
        SSLSocket open = cleanup.add(TlsClients.connect(proxy.address(), TlsClients.trusting(ca.certificate()), "site.test"));
        RawHttp kept = RawHttp.over(open);
        assertThat(kept.send(RawHttp.request("GET", "/before", "Host: site.test")).read().status()).isEqualTo(200);
        assertThat(servedNow()).isEqualTo(original.certificate());

        TestPki.Issued renewed = ca.issue("site.test").rsa().write("renewed");
        renewed.writeTo(original.certFile(), original.keyFile(), TestPki.KeyFormat.TRADITIONAL);

        await().atMost(Duration.ofSeconds(10)).until(() -> servedNow().equals(renewed.certificate()));
        assertThat(kept.send(RawHttp.request("GET", "/after", "Host: site.test")).read().status())
                .as("the connection opened before the reload is still served").isEqualTo(200);
        assertThat(TlsClients.peer(open)).isEqualTo(original.certificate());
    }

    @Test
    void aReplacementThatDoesNotMatchItsKeyIsIgnoredUntilTheKeyFollows() throws IOException {
        TestPki.Issued renewed = ca.issue("site.test").write("renewed");
        TestPki.Issued unrelated = ca.issue("site.test").write("unrelated");
        // The certificate arrives first, with the old key still in place: not usable yet.
        Files.copy(renewed.certFile(), original.certFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        // A later, different change that still mismatches: the running certificate stays.
        Files.copy(unrelated.keyFile(), original.keyFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        // The watcher looks every second: the running certificate must survive more than one look.
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5))
                .until(() -> servedNow().equals(original.certificate()));

        Files.copy(renewed.keyFile(), original.keyFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        await().atMost(Duration.ofSeconds(10)).until(() -> servedNow().equals(renewed.certificate()));
    }

    private CandorConfig reloaded(String yaml) throws ConfigException {
        Map<String, String> env = new HashMap<>();
        vars.forEach((k, v) -> env.put(k, String.valueOf(v)));
        return ConfigLoader.parseForReload(yaml, "test.yaml", null, env::get, proxy.server().config());
    }

    /**
     * A config reload takes over the certificates too: renewed files behind the same paths (certbot
     * renew, then SIGHUP) are accepted, and a config naming other files serves them from the next
     * handshake. Other listener changes still need a restart.
     */
    @Test
    void aConfigReloadServesTheCertificatesTheNewConfigNames() throws Exception {
        TestPki.Issued renewed = ca.issue("site.test").write("renewed");
        renewed.writeTo(original.certFile(), original.keyFile(), TestPki.KeyFormat.TRADITIONAL);
        proxy.server().reload(reloaded(YAML));
        assertThat(servedNow()).as("same paths, renewed files: accepted and served").isEqualTo(renewed.certificate());

        TestPki.Issued other = ca.issue("site.test").write("other");
        vars.put("CERT", other.certFile());
        vars.put("KEY", other.keyFile());
        proxy.server().reload(reloaded(YAML));
        assertThat(servedNow()).as("from the handshake after the reload").isEqualTo(other.certificate());

        ConfigException refused = catchThrowableOfType(ConfigException.class,
                () -> reloaded(YAML.replace("  - address: 127.0.0.1:0\n", "  - address: 127.0.0.1:0\n    name: renamed\n")));
        assertThat(refused).isNotNull();
        assertThat(refused.getMessage()).contains("listeners: cannot change on reload");
    }
}
