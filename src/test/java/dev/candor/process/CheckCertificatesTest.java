package dev.candor.process;

import dev.candor.testing.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code candor check} on certificate files: names listed, expiry warned about, broken files located. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CheckCertificatesTest {
    @TempDir
    Path dir;

    private CandorProcess candor;

    @AfterEach
    void stop() throws Exception {
        if (candor != null) {
            candor.close();
        }
    }

    private Path config(String cert, String key) throws Exception {
        return Files.writeString(dir.resolve("tls.yaml"), """
                listeners:
                  - name: public
                    address: 127.0.0.1:8443
                    tls:
                      certificates:
                        - cert: %s
                          key: %s
                routes: [{upstream: app}]
                upstreams: {app: {endpoints: [{address: "127.0.0.1:9000"}]}}
                """.formatted(cert, key));
    }

    @Test
    void checkListsTheNamesOfEachCertificateAndWarnsWhenOneExpiresWithin30Days() throws Exception {
        TestPki ca = TestPki.newCa(dir, "Check CA");
        ca.issue("www.site.test", "site.test").rsa()
                .validity(Instant.now().minus(Duration.ofDays(80)), Instant.now().plus(Duration.ofDays(10))).write("site");
        // Paths relative to the config file's directory.
        Path file = config("site.pem", "site.key");

        candor = CandorProcess.start(dir, "check", "-c", file.toString());
        int status = candor.awaitExit(Duration.ofSeconds(30));

        assertThat(status).as(candor.diagnostics()).isZero();
        assertThat(candor.stdout()).contains("listener public: certificate " + dir.resolve("site.pem")
                + " for www.site.test, site.test (RSA 2048, valid until").contains("issued by CN=Check CA").contains("OK");
        assertThat(candor.stderr()).contains("warning: listeners[0].tls.certificates[0].cert: certificate CN=www.site.test"
                + " expires on").contains("(in 9 days); renew it");
    }

    @Test
    void checkFailsOnAKeyThatDoesNotBelongToTheCertificate() throws Exception {
        TestPki ca = TestPki.newCa(dir, "Check CA");
        ca.issue("site.test").write("site");
        ca.issue("other.test").write("other");
        Path file = config("site.pem", "other.key");

        candor = CandorProcess.start(dir, "check", "-c", file.toString());
        int status = candor.awaitExit(Duration.ofSeconds(30));

        assertThat(status).as(candor.diagnostics()).isEqualTo(1);
        assertThat(candor.stderr()).contains(file + ":7:16: listeners[0].tls.certificates[0].key: "
                + dir.resolve("other.key") + " is not the private key of the certificate in " + dir.resolve("site.pem"));
    }
}
