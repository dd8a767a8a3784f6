package dev.candor.config;

import dev.candor.testing.TestPki;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@code listeners[].tls} and {@code upstreams.*.tls}: what is read from the files, and every mistake located. */
class TlsConfigTest {
    private static final String TAIL = """
            routes: [{upstream: app}]
            upstreams: {app: {endpoints: [{address: "localhost:9000"}]}}
            """;

    @TempDir
    Path dir;

    private TestPki ca;
    private TestPki.Issued site;

    @BeforeEach
    void certificates() {
        ca = TestPki.newCa(dir, "Config CA");
        site = ca.issue("site.test", "*.site.test").write("site");
    }

    private static CandorConfig load(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, "test.yaml", null, Map.<String, String>of()::get);
    }

    private static List<String> problems(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(yaml));
        assertThat(e).as("expected the config to be rejected").isNotNull();
        return e.problems().stream().map(p -> p.line() + ":" + p.column() + ": " + p.message()).toList();
    }

    private String listener(String cert, String key, String extra) {
        return """
                listeners:
                  - address: 127.0.0.1:8443
                    tls:
                      certificates:
                        - cert: %s
                          key: %s
                %s""".formatted(cert, key, extra.indent(6)) + TAIL;
    }

    @Test
    void aListenerCertificateIsReadWithItsNamesAndTheSafeDefaults() throws ConfigException {
        CandorConfig config = load(listener(site.certFile().toString(), site.keyFile().toString(), ""));

        ListenerTlsConfig tls = config.listeners().get(0).tls();
        assertThat(tls.certificates()).singleElement().satisfies(c -> {
            assertThat(c.cert()).isEqualTo(site.certFile());
            assertThat(c.loaded().names()).containsExactly("site.test", "*.site.test");
            assertThat(c.loaded().leaf()).isEqualTo(site.certificate());
            assertThat(c.loaded().keyDescription()).isEqualTo("EC 256");
        });
        assertThat(tls.protocols()).containsExactly("h2", "http/1.1");
        assertThat(tls.minVersion()).isEqualTo("TLSv1.2");
        assertThat(tls.hsts()).isNull();
        assertThat(config.listeners().get(0).redirectToHttps()).isZero();
    }

    @Test
    void versionsAlpnAndHstsAreRead() throws ConfigException {
        CandorConfig config = load(listener(site.certFile().toString(), site.keyFile().toString(), """
                protocols: [http/1.1]
                min_version: "1.3"
                hsts: { max_age: 365d, include_subdomains: true }
                """));

        ListenerTlsConfig tls = config.listeners().get(0).tls();
        assertThat(tls.protocols()).containsExactly("http/1.1");
        assertThat(tls.minVersion()).isEqualTo("TLSv1.3");
        assertThat(tls.hsts().headerValue()).isEqualTo("max-age=31536000; includeSubDomains");
    }

    @Test
    void aMissingCertificateFileIsReportedWhereItsPathIsWritten() {
        assertThat(problems(listener(dir.resolve("nope.pem").toString(), site.keyFile().toString(), "")))
                .containsExactly("5:17: listeners[0].tls.certificates[0].cert: " + dir.resolve("nope.pem") + ": no such file");
    }

    @Test
    void aKeyOfAnotherCertificateIsReportedAtTheKey() {
        TestPki.Issued other = ca.issue("other.test").write("other");
        assertThat(problems(listener(site.certFile().toString(), other.keyFile().toString(), "")))
                .containsExactly("6:16: listeners[0].tls.certificates[0].key: " + other.keyFile()
                        + " is not the private key of the certificate in " + site.certFile() + " (CN=site.test)");
    }

    @Test
    void anExpiredCertificateIsAnErrorNamingItsEndAndNames() {
        Instant ended = Instant.parse("2025-01-01T00:00:00Z");
        TestPki.Issued old = ca.issue("old.test").validity(ended.minus(Duration.ofDays(90)), ended).write("old");
        assertThat(problems(listener(old.certFile().toString(), old.keyFile().toString(), "")))
                .containsExactly("5:17: listeners[0].tls.certificates[0].cert: the certificate (CN=old.test; names old.test)"
                        + " expired on 2025-01-01T00:00:00Z; renew it");
    }

    @Test
    void filesThatAreNotPemOrHoldAnEncryptedKeyAreExplained() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.txt"), "hello");
        Path encrypted = Files.writeString(dir.resolve("enc.key"),
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");
        assertThat(problems(listener(text.toString(), site.keyFile().toString(), "")))
                .singleElement().asString().endsWith("notes.txt: not a PEM file (no '-----BEGIN' line)");
        assertThat(problems(listener(site.certFile().toString(), encrypted.toString(), "")))
                .singleElement().asString().contains("the key is encrypted; Candor needs it unencrypted");
    }

    @Test
    void badVersionsAndProtocolsAreReportedAtTheValue() {
        assertThat(problems(listener(site.certFile().toString(), site.keyFile().toString(), """
                protocols: [http/1.1, spdy]
                min_version: "1.1"
                """))).containsExactly(
                "7:29: listeners[0].tls.protocols[1]: expected h2 or http/1.1, found 'spdy'",
                "8:20: listeners[0].tls.min_version: expected 1.2 or 1.3, found '1.1' (TLS 1.0 and 1.1 are never offered: RFC 8996)");
    }

    @Test
    void aTlsListenerWithoutCertificatesIsAnError() {
        assertThat(problems("listeners:\n  - address: 127.0.0.1:8443\n    tls: {}\n" + TAIL))
                .containsExactly("3:10: listeners[0].tls: missing required key 'certificates'");
    }

    @Test
    void redirectToHttpsBelongsOnAPlainListener() throws ConfigException {
        CandorConfig config = load("listeners:\n  - address: 127.0.0.1:8080\n    redirect_to_https: true\n"
                + "  - address: 127.0.0.1:8081\n    redirect_to_https: 8443\n" + TAIL);
        assertThat(config.listeners()).extracting(ListenerConfig::redirectToHttps).containsExactly(443, 8443);

        assertThat(problems(listener(site.certFile().toString(), site.keyFile().toString(), "").replace(
                "    tls:\n", "    redirect_to_https: true\n    tls:\n")))
                .containsExactly("3:24: listeners[0].redirect_to_https: this listener terminates TLS itself;"
                        + " put redirect_to_https on the plain-HTTP listener");
    }

    @Test
    void anUpstreamTlsBlockIsReadWithVerificationOnByDefault() throws ConfigException {
        TestPki.Issued client = ca.issue("candor").forClient().write("client");
        CandorConfig config = load("""
                routes: [{upstream: app}]
                upstreams:
                  app:
                    endpoints: [{address: "api.internal:443"}]
                    tls:
                      sni: api.internal
                      ca: %s
                      cert: %s
                      key: %s
                  plain:
                    endpoints: [{address: "localhost:80"}]
                  defaults:
                    endpoints: [{address: "localhost:443"}]
                    tls: {}
                """.formatted(ca.caFile(), client.certFile(), client.keyFile()));

        UpstreamTlsConfig tls = config.upstreams().get("app").tls();
        assertThat(tls.verify()).isTrue();
        assertThat(tls.sni()).isEqualTo("api.internal");
        assertThat(tls.caCertificates()).containsExactly(ca.certificate());
        assertThat(tls.clientCertificate().loaded().leaf()).isEqualTo(client.certificate());
        assertThat(config.upstreams().get("plain").tls()).isNull();
        UpstreamTlsConfig defaults = config.upstreams().get("defaults").tls();
        assertThat(defaults.verify()).isTrue();
        assertThat(defaults.sni()).isNull();
        assertThat(defaults.caCertificates()).as("the JVM's trust store").isEmpty();
        assertThat(defaults.minVersion()).isEqualTo("TLSv1.2");
    }

    @Test
    void upstreamTlsMistakesAreLocated() {
        assertThat(problems("""
                routes: [{upstream: app}]
                upstreams:
                  app:
                    endpoints: [{address: "10.0.0.1:443"}]
                    tls:
                      sni: 10.0.0.1
                      ca: %s
                      cert: %s
                      verify: maybe
                """.formatted(dir.resolve("missing-ca.pem"), site.certFile()))).containsExactly(
                "6:7: upstreams.app.tls: missing required key 'key'",
                "6:12: upstreams.app.tls.sni: '10.0.0.1' is an IP address; SNI carries only DNS names (omit sni for an IP endpoint)",
                "7:11: upstreams.app.tls.ca: " + dir.resolve("missing-ca.pem") + ": no such file",
                "9:15: upstreams.app.tls.verify: expected true or false, found 'maybe'");
    }

    @Test
    void certificatesCloseToExpiryAndVerificationOffAreWarnings() throws ConfigException {
        Instant soon = Instant.now().plus(Duration.ofDays(10));
        TestPki.Issued expiring = ca.issue("soon.test").validity(Instant.now().minus(Duration.ofDays(80)), soon).write("soon");
        CandorConfig config = load("""
                listeners:
                  - address: 127.0.0.1:8443
                    tls:
                      certificates:
                        - cert: %s
                          key: %s
                routes: [{upstream: app}]
                upstreams:
                  app:
                    endpoints: [{address: "localhost:9000"}]
                    tls: { verify: false }
                """.formatted(expiring.certFile(), expiring.keyFile()));

        assertThat(ConfigWarnings.of(config, soon.minus(Duration.ofDays(9)).minusSeconds(60))).containsSubsequence(
                "listeners[0].tls.certificates[0].cert: certificate CN=soon.test expires on " + soon.truncatedTo(
                        java.time.temporal.ChronoUnit.SECONDS) + " (in 9 days); renew it",
                "upstreams.app.tls.verify is false: any certificate is accepted, so anyone on the network path"
                        + " can impersonate the upstream; use 'ca' for a private CA instead");
        assertThat(ConfigWarnings.of(config, soon.minus(Duration.ofDays(31)))).noneMatch(w -> w.contains("expires"));
    }
}
