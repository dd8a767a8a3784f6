package dev.candor.it.tls;

import dev.candor.config.CandorConfig;
import dev.candor.config.ConfigException;
import dev.candor.config.ConfigLoader;
import dev.candor.testing.Cleanup;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.TestBackend;
import dev.candor.testing.TestPki;
import dev.candor.testing.TlsClients;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.Map;

import javax.net.ssl.SSLSocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A config reload takes over a listener's certificates: renewed files behind the same paths (certbot
 * renew, then SIGHUP) are accepted, and a config naming other files serves them from the next handshake.
 * Other listener changes still need a restart.
 */
class CertificateConfigReloadTest {
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

    @TempDir
    Path dir;

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private static X509Certificate served(ProxyUnderTest proxy, TestPki ca) {
        try (SSLSocket s = TlsClients.connect(proxy.address(), TlsClients.trusting(ca.certificate()), "site.test")) {
            return TlsClients.peer(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static CandorConfig reloaded(ProxyUnderTest proxy, String yaml, Map<String, Object> vars) throws ConfigException {
        Map<String, String> env = new HashMap<>();
        vars.forEach((k, v) -> env.put(k, String.valueOf(v)));
        return ConfigLoader.parseForReload(yaml, "test.yaml", null, env::get, proxy.server().config());
    }

    @Test
    void aReloadServesTheCertificatesTheNewConfigNames() throws Exception {
        TestPki ca = TestPki.newCa(dir, "Reload CA");
        TestPki.Issued original = ca.issue("site.test").write("site");
        TestBackend backend = cleanup.add(TestBackend.answering("ok"));
        Map<String, Object> vars = new HashMap<>(Map.of("CERT", original.certFile(), "KEY", original.keyFile(),
                "BACKEND_PORT", backend.port()));
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.start(YAML, vars));
        assertThat(served(proxy, ca)).isEqualTo(original.certificate());

        TestPki.Issued renewed = ca.issue("site.test").write("renewed");
        renewed.writeTo(original.certFile(), original.keyFile(), TestPki.KeyFormat.TRADITIONAL);
        proxy.server().reload(reloaded(proxy, YAML, vars));
        assertThat(served(proxy, ca)).as("same paths, renewed files: accepted and served")
                .isEqualTo(renewed.certificate());

        TestPki.Issued other = ca.issue("site.test").write("other");
        vars.put("CERT", other.certFile());
        vars.put("KEY", other.keyFile());
        proxy.server().reload(reloaded(proxy, YAML, vars));
        assertThat(served(proxy, ca)).as("from the handshake after the reload").isEqualTo(other.certificate());

        ConfigException refused = catchThrowableOfType(ConfigException.class,
                () -> reloaded(proxy, YAML.replace("  - address: 127.0.0.1:0\n", "  - address: 127.0.0.1:0\n    name: renamed\n"),
                        vars));
        assertThat(refused).isNotNull();
        assertThat(refused.getMessage()).contains("listeners: cannot change on reload");
    }
}
