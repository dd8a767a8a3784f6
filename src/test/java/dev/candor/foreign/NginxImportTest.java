package dev.candor.foreign;

import dev.candor.cli.Main;
import dev.candor.testing.Cleanup;
import dev.candor.testing.ForeignProxy;
import dev.candor.testing.Ports;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawHttp;
import dev.candor.testing.TestBackend;
import dev.candor.testing.TestPki;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

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
 * {@code candor import} on a real-world-shaped nginx configuration (two server blocks, one of them in an
 * included file, upstream blocks with weights and keep-alive, location prefixes, TLS, timeouts): the output
 * passes {@code candor check}, and Candor serving it sends the same requests to the same backends as the
 * real nginx serving the original. The nginx half is skipped without /usr/sbin/nginx, except in CI.
 */
class NginxImportTest {
    private static final Path NGINX = Path.of("/usr/sbin/nginx");

    @TempDir
    Path dir;
    @AutoClose
    final Cleanup cleanup = new Cleanup();
    private final Map<String, TestBackend> backends = new LinkedHashMap<>();
    private int port;
    private Path conf;

    @BeforeEach
    void writeConfig() throws Exception {
        for (String name : List.of("api-1", "api-2", "admin", "web", "static")) {
            // both endpoints of upstream api answer "api": which one the balancer picks is not routing
            backends.put(name, cleanup.add(TestBackend.answering(name.startsWith("api") ? "api" : name)));
        }
        port = Ports.freePort();
        TestPki.Issued cert = TestPki.newCa(dir, "Import CA").issue("secure.example.test").write("secure");
        Files.createDirectories(dir.resolve("conf.d"));
        Files.createDirectories(dir.resolve("tmp"));
        Files.writeString(dir.resolve("conf.d/www.conf"), """
                upstream web {
                    server 127.0.0.1:%d;
                }
                server {
                    listen 127.0.0.1:%d default_server;
                    server_name www.example.test _;
                    gzip on;
                    location / { proxy_pass http://web; }
                    location /static/ { proxy_pass http://127.0.0.1:%d; }
                }
                """.formatted(port("web"), port, port("static")));
        conf = Files.writeString(dir.resolve("nginx.conf"), """
                daemon off;
                master_process off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log;
                events { worker_connections 128; }
                http {
                    access_log %1$s/access.log combined;
                    client_body_temp_path %1$s/tmp;
                    proxy_temp_path %1$s/tmp;
                    fastcgi_temp_path %1$s/tmp;
                    uwsgi_temp_path %1$s/tmp;
                    scgi_temp_path %1$s/tmp;
                    proxy_connect_timeout 2s;
                    include conf.d/*.conf;
                    upstream api {
                        least_conn;
                        server 127.0.0.1:%2$d weight=3;
                        server 127.0.0.1:%3$d;
                        keepalive 16;
                        keepalive_timeout 30s;
                    }
                    server {
                        listen 127.0.0.1:%4$d;
                        server_name api.example.test;
                        location / {
                            proxy_pass http://api;
                            proxy_http_version 1.1;
                            proxy_set_header Connection "";
                            proxy_read_timeout 20;
                        }
                        location /admin/ { proxy_pass http://127.0.0.1:%5$d; }
                        location ~ \\.php$ { return 403; }
                    }
                    server {
                        listen 127.0.0.1:%6$d ssl;
                        server_name secure.example.test;
                        ssl_certificate %7$s;
                        ssl_certificate_key %8$s;
                        location / { proxy_pass http://api; }
                    }
                }
                """.formatted(dir, port("api-1"), port("api-2"), port, port("admin"), Ports.freePort(),
                cert.certFile(), cert.keyFile()));
    }

    private int port(String backend) {
        return backends.get(backend).port();
    }

    private String importYaml() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(new StringWriter()));
        assertThat(cli.execute("import", conf.toString())).isZero();
        return out.toString();
    }

    @Test
    void theTranslationCarriesUpstreamsWeightsTimeoutsAndTlsAndCommentsTheRest() {
        String yaml = importYaml();
        assertThat(yaml)
                .contains("address: \"127.0.0.1:" + port("api-1") + "\"\n        weight: 3")
                .contains("balancer: least_request")
                .contains("connect: \"2s\"").contains("response: \"20s\"")
                .contains("idle_timeout: \"30s\"")
                .contains("- cert: \"" + dir.resolve("secure.pem"))
                .contains("host: \"api.example.test\", path_prefix: \"/admin/\"")
                .contains("keepalive 16 — Candor keeps idle connections")
                .contains("location ~ \\.php$ {…} — only prefix locations")
                .contains("gzip on — no equivalent")
                .contains(dir.resolve("conf.d/www.conf") + ":7: gzip on");
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
    void candorRoutesTheSameRequestsToTheSameBackendsAsNginx() throws Exception {
        ForeignProxy.assumeInstalled(NGINX, "nginx");
        Map<String, String> requests = new LinkedHashMap<>();
        requests.put("api.example.test /v1/items", null);
        requests.put("api.example.test /admin/users", null);
        requests.put("api.example.test /static/app.js", null);
        requests.put("www.example.test /", null);
        requests.put("www.example.test /static/app.js", null);
        requests.put("unknown.example.test /static/logo.png", null);
        requests.put("unknown.example.test /admin/", null);
        Map<String, String> viaNginx = new LinkedHashMap<>();
        try (ForeignProxy nginx = ForeignProxy.start("nginx", List.of(NGINX.toString(), "-p", dir.toString(),
                "-c", conf.toString(), "-e", dir.resolve("error.log").toString()), dir, port)) {
            for (String r : requests.keySet()) {
                viaNginx.put(r, answer(r));
            }
        }
        String yaml = importYaml();
        Map<String, String> viaCandor = new LinkedHashMap<>();
        try (ProxyUnderTest candor = ProxyUnderTest.start(yaml, Map.of())) {
            for (String r : requests.keySet()) {
                viaCandor.put(r, answer(r));
            }
        }
        assertThat(viaNginx).containsEntry("api.example.test /admin/users", "admin")
                .containsEntry("www.example.test /static/app.js", "static")
                .containsEntry("unknown.example.test /admin/", "web");
        assertThat(viaCandor).isEqualTo(viaNginx);
    }

    /** The body of the answer to "HOST PATH" sent to the listener on {@link #port}. */
    private String answer(String hostAndPath) {
        String[] hp = hostAndPath.split(" ");
        return RawHttp.get(new InetSocketAddress("127.0.0.1", port), hp[1], "Host: " + hp[0]).bodyText();
    }
}
