package dev.candor.foreign;

import dev.candor.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HAProxy translation line by line, without running anything: a configuration full of keywords Candor has
 * no equivalent for gives exactly the golden candor.yaml (each of them a comment with its reason, in file
 * order) and that file passes {@code candor check}; each kind of ACL gives the match it should.
 */
class HaproxyTranslationTest {
    @TempDir
    Path dir;

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(HaproxyTranslationTest.class.getResource("/foreign/" + name).toURI());
    }

    private static String translate(String cfg) throws Exception {
        return HaproxyImport.translate(HaproxyConfig.parse(cfg, "haproxy.cfg"), "haproxy.cfg");
    }

    @Test
    void everyKeywordWithoutAnEquivalentBecomesACommentSayingWhy() throws Exception {
        String cfg = Files.readString(resource("haproxy-unsupported.cfg"), StandardCharsets.UTF_8);
        String golden = Files.readString(resource("haproxy-unsupported.yaml"), StandardCharsets.UTF_8);
        String yaml = translate(cfg);
        assertThat(yaml).isEqualTo(golden);

        Path file = Files.writeString(dir.resolve("candor.yaml"), yaml);
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("check", "-c", file.toString())).as(err.toString()).isZero();
    }

    static Stream<Arguments> acls() {
        return Stream.of(
                Arguments.of("hdr(host) -i Api.Example.com", "{ host: \"api.example.com\" }"),
                Arguments.of("req.hdr(Host) api.example.com", "{ host: \"api.example.com\" }"),
                Arguments.of("hdr_end(host) -i .example.com", "{ host: \"*.example.com\" }"),
                Arguments.of("hdr_dom(host) example.com", "{ host: \"example.com\" }\n    upstream: \"app\"\n"
                        + "  - match: { host: \"*.example.com\" }"),
                Arguments.of("hdr_beg(host) static.", "{ headers: { \"host\": \"~^static\\\\.\" } }"),
                Arguments.of("hdr(host) example.com:8080", "{ headers: { \"host\": \"example.com:8080\" } }"),
                Arguments.of("path /robots.txt", "{ path: \"/robots.txt\" }"),
                Arguments.of("path_beg /api/ /v2/", "{ path_prefix: \"/api/\" }\n    upstream: \"app\"\n"
                        + "  - match: { path_prefix: \"/v2/\" }"),
                Arguments.of("path_beg -i /API/", "{ path_regex: \"(?i)^/API/\" }"),
                Arguments.of("path -m beg /api/", "{ path_prefix: \"/api/\" }"),
                Arguments.of("path_end .php", "{ path_regex: \"\\\\.php$\" }"),
                Arguments.of("path_sub /v1/", "{ path_regex: \"/v1/\" }"),
                Arguments.of("path_dir api", "{ path_regex: \"(?:^|/)api(?:/|$)\" }"),
                Arguments.of("path_reg ^/users/[0-9]+$", "{ path_regex: \"^/users/[0-9]+$\" }"),
                Arguments.of("url_beg /download", "{ path_prefix: \"/download\" }"),
                Arguments.of("method POST put", "{ methods: [\"POST\", \"PUT\"] }"),
                Arguments.of("hdr(X-Env) prod", "{ headers: { \"x-env\": \"prod\" } }"),
                Arguments.of("hdr(X-Env) -i prod", "{ headers: { \"x-env\": \"~(?i)^prod$\" } }"),
                Arguments.of("urlp(debug) 1", "{ query: { \"debug\": \"1\" } }"));
    }

    @ParameterizedTest(name = "acl a {0}")
    @MethodSource("acls")
    void anAclBecomesTheMatchThatMeansTheSame(String acl, String match) throws Exception {
        String yaml = translate("""
                defaults
                    mode http
                frontend f
                    bind :80
                    acl a %s
                    use_backend app if a
                backend app
                    server s 10.0.0.1:80
                """.formatted(acl));
        assertThat(yaml).contains("routes:\n  - match: " + match + "\n    upstream: \"app\"\n");
        assertThat(yaml).doesNotContain("# Not carried over");
    }

    @Test
    void aRegularExpressionRe2CannotReadIsACommentNotARoute() throws Exception {
        String yaml = translate("""
                defaults
                    mode http
                frontend f
                    bind :80
                    acl a path_reg ^/(?=admin)
                    use_backend app if a
                backend app
                    server s 10.0.0.1:80
                """);
        assertThat(yaml).contains("routes:\nupstreams:")
                .contains("haproxy.cfg:6: use_backend app if a — acl a (haproxy.cfg:5): the regular expression"
                        + " ^/(?=admin) is not RE2 syntax");
    }

    @Test
    void aHealthCheckCarriesPathHostIntervalThresholdsAndItsTimeout() throws Exception {
        String yaml = translate("""
                defaults
                    mode http
                    timeout connect 1s
                    timeout check 2s
                backend app
                    option httpchk
                    http-check send meth GET uri /ready hdr Host app.internal
                    http-check expect status 200-299
                    default-server inter 5s rise 3 fall 4
                    server s1 10.0.0.1:80 check
                    server s2 10.0.0.2:80 check
                """);
        assertThat(yaml).contains("""
                    health_check:
                      path: "/ready"
                      host: "app.internal"
                      interval: "5s"
                      timeout: "3s"
                      healthy_threshold: 3
                      unhealthy_threshold: 4
                      expect_status: 200-299
                """);
        assertThat(yaml).doesNotContain("# Not carried over");
    }

    @Test
    void httpchkWithoutAMethodSaysHaproxySendsOptions() throws Exception {
        String yaml = translate("""
                defaults
                    mode http
                backend app
                    option httpchk /status
                    server s1 10.0.0.1:80 check
                """);
        assertThat(yaml).contains("      path: \"/status\"\n      interval: \"2s\"\n      timeout: \"2s\"\n")
                .contains("haproxy.cfg:4: option httpchk /status — HAProxy's checks send OPTIONS; Candor's probes are"
                        + " GET requests");
    }

    @Test
    void aTlsBindWhoseCertificatesCannotBeListedIsNotServedInPlainText() throws Exception {
        Files.createDirectories(dir.resolve("certs"));
        String yaml = translate("""
                defaults
                    mode http
                frontend f
                    bind :80 name plain
                    bind :443 ssl crt %s ssl-min-ver TLSv1.2
                    default_backend app
                backend app
                    server s 10.0.0.1:80
                """.formatted(dir.resolve("certs")));
        assertThat(yaml).contains("listeners:\n  - address: \"0.0.0.0:80\"\nroutes:")
                .contains("haproxy.cfg:4: bind :80 name plain — the bind parameter name plain has no equivalent")
                .contains("is a directory: list each certificate and key under tls.certificates")
                .contains("haproxy.cfg:5: bind :443 ssl crt " + dir.resolve("certs") + " ssl-min-ver TLSv1.2 — ssl"
                        + " without a certificate file Candor can use");
    }

    @Test
    void aKeyBesideTheCertificateIsFoundAsHaproxyFindsIt() throws Exception {
        Files.writeString(dir.resolve("site.pem"), "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
        Files.writeString(dir.resolve("site.pem.key"), "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n");
        String yaml = translate("""
                global
                    crt-base %s
                defaults
                    mode http
                frontend f
                    bind :443 ssl crt site.pem
                    default_backend app
                backend app
                    server s 10.0.0.1:80
                """.formatted(dir));
        assertThat(yaml).contains("        - cert: \"" + dir.resolve("site.pem") + "\"\n          key: \""
                + dir.resolve("site.pem.key") + "\"\n");
    }

    @Test
    void serversOverTlsKeepHaproxysVerification() throws Exception {
        String yaml = translate("""
                global
                    ssl-server-verify none
                defaults
                    mode http
                backend unverified
                    server s 10.0.0.1:443 ssl
                backend private_ca
                    server s 10.0.0.2:443 ssl verify required ca-file /etc/haproxy/ca.pem
                """);
        assertThat(yaml).contains("    tls:\n      verify: false   # HAProxy: ssl-server-verify none\n")
                .contains("    tls:\n      ca: \"/etc/haproxy/ca.pem\"\n")
                .doesNotContain("# Not carried over");
    }

    @Test
    void aSyntaxErrorStopsTheImportWithItsLineAndExitStatus3() throws Exception {
        Path cfg = Files.writeString(dir.resolve("haproxy.cfg"), "global\n    maxconn 10\nbackend app\n"
                + "    server s 10.0.0.1:80 inter soon\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("import", cfg.toString())).isEqualTo(3);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).isEqualTo("candor import: could not run: " + cfg
                + ":4: server s 10.0.0.1:80 inter soon: inter 'soon' is not a time\n");
    }

    @Test
    void aMissingFileIsNamedAsMissingWithExitStatus3() {
        Path missing = dir.resolve("nowhere.cfg");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("import", missing.toString())).isEqualTo(3);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).isEqualTo("candor import: could not run: " + missing + ": no such file\n");
    }
}
