package dev.candor.foreign;

import dev.candor.cli.Main;
import dev.candor.testing.Cleanup;
import dev.candor.testing.ForeignProxy;
import dev.candor.testing.Ports;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawHttp;
import dev.candor.testing.TestBackend;
import dev.candor.testing.TestPki;
import dev.candor.testing.TlsClients;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.net.ssl.SSLContext;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code candor import} on a real-world-shaped haproxy.cfg (a plain and a TLS frontend with the same rules: host,
 * path prefix, path suffix and regular-expression ACLs combined with AND and OR, an anonymous ACL, a predefined one,
 * {@code default_backend}; backends with weights, {@code balance}, a health check, a backup server): the output
 * passes {@code candor check}, and Candor serving it sends the same requests to the same backends as the real
 * HAProxy serving the original. The HAProxy half is skipped without /usr/sbin/haproxy, except in CI.
 */
class HaproxyImportTest {
    private static final Path HAPROXY = Path.of("/usr/sbin/haproxy");

    @TempDir
    Path dir;
    @AutoClose
    final Cleanup cleanup = new Cleanup();
    private final Map<String, TestBackend> backends = new LinkedHashMap<>();
    private int port;
    private int tlsPort;
    private TestPki ca;
    private Path cfg;

    @BeforeEach
    void writeConfig() throws Exception {
        for (String name : List.of("api-1", "api-2", "admin", "static", "shop", "legacy", "web")) {
            // both servers of backend api answer "api": which one the balancer picks is not routing
            backends.put(name, cleanup.add(TestBackend.answering(name.startsWith("api") ? "api" : name)));
        }
        port = Ports.freePort();
        tlsPort = Ports.freePort();
        ca = TestPki.newCa(dir, "Import CA");
        TestPki.Issued cert = ca.issue("secure.example.test").write("secure");
        // HAProxy reads the certificate and its key from one PEM file
        Files.writeString(dir.resolve("secure-bundle.pem"), Files.readString(cert.certFile()) + Files.readString(cert.keyFile()));
        // the plain and the TLS frontend route alike, as most sites' do: Candor's routes serve every listener
        String rules = """
                    acl host_api hdr(host) -i api.example.test
                    acl is_admin path_beg /admin/
                    acl is_static path_beg /static/ /assets/
                    acl is_image path_end .png .jpg
                    acl is_legacy path_reg ^/legacy/[0-9]+$
                    acl from_office src 10.0.0.0/8
                    use_backend admin if host_api is_admin
                    use_backend api if host_api
                    use_backend static if is_static || is_image
                    use_backend shop if { hdr_dom(host) -i shop.example.test }
                    use_backend legacy if is_legacy METH_GET
                    use_backend admin if from_office is_admin
                    default_backend web
                """;
        cfg = Files.writeString(dir.resolve("haproxy.cfg"), """
                global
                    maxconn 256
                    crt-base %1$s

                defaults
                    mode http
                    option forwardfor
                    timeout connect 2s
                    timeout client 10s
                    timeout server 10s
                    timeout http-keep-alive 5s
                    retries 2

                frontend http-in
                    bind 127.0.0.1:%2$d
                %12$s
                frontend https-in
                    bind 127.0.0.1:%3$d ssl crt secure-bundle.pem
                    http-request set-header X-Forwarded-Proto https
                %12$s
                backend api
                    balance leastconn
                    option httpchk GET /health
                    http-check expect status 200
                    server api1 127.0.0.1:%4$d weight 3 check inter 2s
                    server api2 127.0.0.1:%5$d check inter 2s

                backend admin
                    server admin1 127.0.0.1:%6$d

                backend static
                    server static1 127.0.0.1:%7$d

                backend shop
                    balance source
                    server shop1 127.0.0.1:%8$d

                backend legacy
                    server legacy1 127.0.0.1:%9$d

                backend web
                    balance roundrobin
                    timeout server 30s
                    server web1 127.0.0.1:%10$d
                    server web2 127.0.0.1:%11$d backup
                """.formatted(dir, port, tlsPort, port("api-1"), port("api-2"), port("admin"), port("static"),
                port("shop"), port("legacy"), port("web"), Ports.refusing(), rules));
    }

    /** {@code haproxy.cfg:N} of the first line of the config that starts with {@code text} (indentation aside). */
    private String where(String text) throws Exception {
        List<String> lines = Files.readAllLines(cfg);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().startsWith(text)) {
                return cfg + ":" + (i + 1);
            }
        }
        throw new AssertionError("no line " + text);
    }

    private int port(String backend) {
        return backends.get(backend).port();
    }

    private String importYaml() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("import", cfg.toString())).as(err.toString()).isZero();
        return out.toString();
    }

    @Test
    void theTranslationCarriesListenersRoutesAndUpstreamsAndCommentsTheRest() throws Exception {
        String yaml = importYaml();
        assertThat(yaml)
                .contains("- address: \"127.0.0.1:" + tlsPort + "\"\n    tls:\n      certificates:\n        - cert: \""
                        + dir.resolve("secure-bundle.pem") + "\"\n          key: \"" + dir.resolve("secure-bundle.pem"))
                .contains("- match: { host: \"api.example.test\", path_prefix: \"/admin/\" }\n    upstream: \"admin\"")
                .contains("- match: { path_regex: \"\\\\.png$\" }\n    upstream: \"static\"")
                .contains("- match: { host: \"*.shop.example.test\" }\n    upstream: \"shop\"")
                .contains("- match: { path_regex: \"^/legacy/[0-9]+$\", methods: [\"GET\", \"HEAD\"] }")
                // the catch-all comes last among the routes
                .contains("  - match: { path_prefix: \"/\" }\n    upstream: \"web\"\nupstreams:")
                .contains("address: \"127.0.0.1:" + port("api-1") + "\"\n        weight: 3")
                .contains("balancer: least_request").contains("balancer: ip_hash")
                .contains("      path: \"/health\"\n      interval: \"2s\"")
                .contains("expect_status: 200")
                .contains("response: \"30s\"").contains("connect: \"2s\"")
                .contains("client_idle_timeout: \"5s\"").contains("max_connections: 256")
                .contains(where("use_backend admin if from_office") + ": use_backend admin if from_office is_admin — acl"
                        + " from_office")
                .contains(where("http-request") + ": http-request set-header X-Forwarded-Proto https — HAProxy's"
                        + " request and response rules are not translated")
                .contains(" backup — backup servers have no equivalent");
        assertThat(yaml.split("\n    upstream: \"admin\"\n", -1)).as("the second frontend's equal routes are left out")
                .hasSize(2);
    }

    @Test
    void theTranslationPassesCandorCheck() throws Exception {
        Path yaml = Files.writeString(dir.resolve("candor.yaml"), importYaml());
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("check", "-c", yaml.toString())).as(err.toString()).isZero();
    }

    @Test
    void candorRoutesTheSameRequestsToTheSameBackendsAsHaproxy() {
        ForeignProxy.assumeInstalled(HAPROXY, "haproxy");
        List<String> requests = List.of(
                "api.example.test /v1/items",
                "api.example.test /admin/users",
                "api.example.test /static/app.js",
                "www.example.test /static/app.js",
                "www.example.test /assets/site.css",
                "www.example.test /img/logo.png",
                "shop.example.test /",
                "m.shop.example.test /cart",
                "www.example.test /legacy/42",
                "www.example.test /legacy/abc",
                "unknown.example.test /admin/",
                "www.example.test /",
                "tls secure.example.test /",
                "tls api.example.test /v1/items",
                "tls secure.example.test /static/logo.png");
        Map<String, String> viaHaproxy = new LinkedHashMap<>();
        try (ForeignProxy haproxy = ForeignProxy.start("haproxy", List.of(HAPROXY.toString(), "-db", "-f",
                cfg.toString()), dir, port)) {
            for (String r : requests) {
                viaHaproxy.put(r, answer(r));
            }
        }
        String yaml = importYaml();
        Map<String, String> viaCandor = new LinkedHashMap<>();
        try (ProxyUnderTest candor = ProxyUnderTest.start(yaml, Map.of())) {
            for (String r : requests) {
                viaCandor.put(r, answer(r));
            }
        }
        assertThat(viaHaproxy).containsEntry("api.example.test /admin/users", "admin")
                .containsEntry("www.example.test /img/logo.png", "static")
                .containsEntry("m.shop.example.test /cart", "shop")
                .containsEntry("www.example.test /legacy/42", "legacy")
                .containsEntry("www.example.test /legacy/abc", "web")
                .containsEntry("tls api.example.test /v1/items", "api");
        assertThat(viaCandor).isEqualTo(viaHaproxy);
    }

    /** The body of the answer to "[tls] HOST PATH" sent to the plain listener, or the TLS one with SNI. */
    private String answer(String request) {
        String[] w = request.split(" ");
        if (!w[0].equals("tls")) {
            return RawHttp.get(new InetSocketAddress("127.0.0.1", port), w[1], "Host: " + w[0]).bodyText();
        }
        SSLContext trusting = TlsClients.trusting(ca.certificate());
        try (RawHttp c = RawHttp.over(TlsClients.connect(new InetSocketAddress("127.0.0.1", tlsPort), trusting,
                "secure.example.test"))) {
            return c.send(RawHttp.request("GET", w[2], "Host: " + w[1])).read().bodyText();
        }
    }
}
