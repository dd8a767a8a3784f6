package dev.candor.doctor;

import dev.candor.testing.Cleanup;
import dev.candor.testing.ForeignProxy;
import dev.candor.testing.Ports;
import dev.candor.testing.TestBackend;
import dev.candor.testing.TestDnsServer;
import dev.candor.testing.TestPki;
import io.netty.handler.ssl.SslContextBuilder;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.candor.doctor.DoctorRun.error;
import static dev.candor.doctor.DoctorRun.status;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code candor doctor --from nginx.conf}: nginx configs written by the test, pointing at misbehaving
 * backends on loopback, investigated through the real command line; the verdicts, error types and advice
 * that names nginx's directives at their {@code FILE:LINE}. Each fixture is also checked by the real
 * {@code nginx -t} (skipped without nginx, except in CI).
 */
class DoctorFromNginxTest {
    private static final Path NGINX = Path.of("/usr/sbin/nginx");

    @TempDir
    Path dir;
    @AutoClose
    final Cleanup cleanup = new Cleanup();

    /** An nginx.conf that nginx -t accepts from a temp dir, around {@code http}'s own directives. */
    private Path nginxConf(String http) throws IOException {
        Files.createDirectories(dir.resolve("tmp"));
        return Files.writeString(dir.resolve("nginx.conf"), """
                pid %1$s/nginx.pid;
                error_log %1$s/error.log;
                events { worker_connections 64; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/tmp;
                    proxy_temp_path %1$s/tmp;
                    fastcgi_temp_path %1$s/tmp;
                    uwsgi_temp_path %1$s/tmp;
                    scgi_temp_path %1$s/tmp;
                %2$s
                }
                """.formatted(dir, http.indent(4).stripTrailing()));
    }

    /** {@code FILE:LINE} of the first line of {@code file} that contains {@code fragment}. */
    private static String at(Path file, String fragment) throws IOException {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(fragment)) {
                return file + ":" + (i + 1);
            }
        }
        throw new AssertionError(fragment + " is not in " + file);
    }

    /** What {@code nginx -t} says of the file (skipped without nginx, except in CI); its exit status first. */
    private String nginxTest(Path conf) throws Exception {
        ForeignProxy.assumeInstalled(NGINX, "nginx");
        Process p = new ProcessBuilder(NGINX.toString(), "-t", "-p", dir.toString(), "-c", conf.toString(),
                "-e", dir.resolve("error.log").toString()).redirectErrorStream(true).start();
        String printed = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() + " " + printed;
    }

    @Test
    void aRefusedServerFailsAndTheAdviceNamesItsServerLine() throws Exception {
        int refusing = Ports.refusing();
        TestBackend ok = cleanup.add(TestBackend.answering("ok"));
        Path conf = nginxConf("""
                upstream app {
                    server 127.0.0.1:%d;
                }
                upstream reports {
                    server 127.0.0.1:%d;
                }
                server {
                    listen 127.0.0.1:%d;
                    location / { proxy_pass http://app; }
                    location /reports/ { proxy_pass http://reports; }
                }
                """.formatted(ok.port(), refusing, Ports.freePort()));

        DoctorRun run = DoctorRun.from(conf, "--json", "--connects", "2", "--idle-watch", "500ms");

        JsonNode down = run.check("backend.tcp", "127.0.0.1:" + refusing);
        assertThat(status(down)).isEqualTo("FAIL");
        assertThat(error(down)).isEqualTo("connection_refused");
        String serverLine = "server 127.0.0.1:" + refusing + " in " + at(conf, "server 127.0.0.1:" + refusing);
        assertThat(down.get("advice").asString()).contains("or correct " + serverLine);
        assertThat(status(run.check("backend.tcp", "127.0.0.1:" + ok.port()))).isEqualTo("PASS");
        assertThat(status(run.check("backend.response", "127.0.0.1:" + ok.port()))).isEqualTo("PASS");
        JsonNode read = run.check("config.check", conf.toString());
        assertThat(read.get("evidence").get("format").asString()).isEqualTo("nginx");
        assertThat(read.get("summary").asString()).isEqualTo("read as nginx: 2 upstream(s), 2 server(s) to probe");
        assertThat(run.plan()).anyMatch(s -> s.startsWith("restart order: bring the backend up first")
                && s.endsWith("then reload nginx (nginx -s reload) so no connection to app, reports from before the"
                + " restart is reused"));
        assertThat(run.exit()).isEqualTo(2);
        assertThat(nginxTest(conf)).startsWith("0 ");
    }

    @Test
    void aBackendSlowerThanProxyReadTimeoutWarnsNamingTheDirectiveAndItsLine() throws Exception {
        TestBackend slow = cleanup.add(TestBackend.start((request, reply) -> CompletableFuture
                .delayedExecutor(1_300, TimeUnit.MILLISECONDS).execute(() -> reply.send(200, "late"))));
        TestBackend quick = cleanup.add(TestBackend.answering("quick"));
        Path conf = nginxConf("""
                server {
                    listen 127.0.0.1:%d;
                    location /report/ {
                        proxy_pass http://127.0.0.1:%d;
                        proxy_read_timeout 1s;
                    }
                    location / {
                        proxy_pass http://127.0.0.1:%d;
                    }
                }
                """.formatted(Ports.freePort(), slow.port(), quick.port()));

        DoctorRun run = DoctorRun.from(conf, "--json", "--connects", "1", "--idle-watch", "500ms");

        JsonNode t = run.check("config.timeouts", "127.0.0.1:" + slow.port());
        assertThat(status(t)).isEqualTo("WARN");
        assertThat(error(t)).isEqualTo("http_response_timeout");
        assertThat(t.get("evidence").get("proxy_read_timeout").asString()).isEqualTo("1s");
        assertThat(t.get("evidence").get("proxy_connect_timeout").asString()).isEqualTo("1m");
        String directive = "proxy_read_timeout in " + at(conf, "proxy_read_timeout 1s");
        assertThat(t.get("summary").asString()).matches("the backend took \\d+\\.\\d ms to answer; "
                + java.util.regex.Pattern.quote(directive) + " is 1s: the proxy gives up first \\(504\\)");
        assertThat(run.plan()).anyMatch(s -> s.startsWith("raise " + directive + " from 1s to at least "));
        // the other location has no proxy_read_timeout: nginx's 60s default, to be added in its location block
        JsonNode quickTimeouts = run.check("config.timeouts", "127.0.0.1:" + quick.port());
        assertThat(status(quickTimeouts)).isEqualTo("PASS");
        assertThat(quickTimeouts.get("summary").asString()).contains("well within proxy_read_timeout 1m");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(nginxTest(conf)).startsWith("0 ");
    }

    @Test
    void aBackendClosingIdleConnectionsBeforeNginxsKeepaliveTimeoutWarnsOfStaleConnections() throws Exception {
        TestBackend closer = cleanup.add(TestBackend.start((request, reply) -> reply.send(200, "ok")
                .closeWhenIdleFor(Duration.ofMillis(400))));
        Path conf = nginxConf("""
                upstream api {
                    server 127.0.0.1:%d;
                    keepalive 8;
                    keepalive_timeout 3s;
                }
                server {
                    listen 127.0.0.1:%d;
                    location / {
                        proxy_pass http://api;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                    }
                }
                """.formatted(closer.port(), Ports.freePort()));

        DoctorRun run = DoctorRun.from(conf, "--json", "--connects", "1");

        JsonNode idle = run.check("config.pool_idle", "127.0.0.1:" + closer.port());
        assertThat(status(idle)).isEqualTo("WARN");
        assertThat(error(idle)).isEqualTo("connection_terminated");
        assertThat(idle.get("evidence").get("keepalive_timeout").asString()).isEqualTo("3s");
        assertThat(idle.get("evidence").get("backend_idle_close_ms").asDouble()).isBetween(350.0, 2_500.0);
        String directive = "keepalive_timeout in " + at(conf, "keepalive_timeout 3s");
        assertThat(idle.get("summary").asString()).matches("the backend closed an idle connection after \\d+\\.\\d s,"
                + " but " + java.util.regex.Pattern.quote(directive) + " is 3s: pooled connections outlive the backend's keep-alive");
        assertThat(run.plan()).anyMatch(s -> s.startsWith("lower " + directive + " from 3s to ")
                && s.endsWith("then reload nginx (nginx -s reload) so no connection from before is reused"));
        assertThat(run.exit()).isEqualTo(1);
        assertThat(nginxTest(conf)).startsWith("0 ");
    }

    @Test
    void withoutProxyHttpVersionOneOneNginxReusesNothingSoTheSameBackendPasses() throws Exception {
        TestBackend closer = cleanup.add(TestBackend.start((request, reply) -> reply.send(200, "ok")
                .closeWhenIdleFor(Duration.ofMillis(400))));
        Path conf = nginxConf("""
                upstream api {
                    server 127.0.0.1:%d;
                    keepalive 8;
                }
                server {
                    listen 127.0.0.1:%d;
                    location /v1/ { proxy_pass http://api; }
                }
                """.formatted(closer.port(), Ports.freePort()));

        DoctorRun run = DoctorRun.from(conf, "--json", "--connects", "1");

        JsonNode idle = run.check("config.pool_idle", "127.0.0.1:" + closer.port());
        assertThat(status(idle)).isEqualTo("PASS");
        assertThat(idle.get("summary").asString()).isEqualTo("upstream api has keepalive (" + at(conf, "keepalive 8")
                + "), but location /v1/ at " + at(conf, "location /v1/") + " speaks HTTP/1.0 upstream (no"
                + " proxy_http_version 1.1), so nginx does not reuse connections: none can go stale");
        assertThat(run.exit()).isZero();
        assertThat(nginxTest(conf)).startsWith("0 ");
    }

    @Test
    void oneUpstreamUsedWithTwoReadTimeoutsIsProbedOncePerTimeoutEachNamingItsOwnLine() throws Exception {
        TestBackend slow = cleanup.add(TestBackend.start((request, reply) -> CompletableFuture
                .delayedExecutor(1_300, TimeUnit.MILLISECONDS).execute(() -> reply.send(200, "late"))));
        Path conf = nginxConf("""
                proxy_read_timeout 10s;
                upstream api {
                    server 127.0.0.1:%d;
                }
                server {
                    listen 127.0.0.1:%d;
                    location / { proxy_pass http://api; }
                    location /v1/ { proxy_pass http://api; }
                    location /export/ {
                        proxy_pass http://api;
                        proxy_read_timeout 1s;
                    }
                }
                """.formatted(slow.port(), Ports.freePort()));

        DoctorRun run = DoctorRun.from(conf, "--json", "--connects", "1", "--idle-watch", "500ms");

        // / and /v1/ share the http-level 10s: one target; /export/ has its own 1s: a second one
        List<JsonNode> timeouts = run.checks("config.timeouts");
        assertThat(timeouts).extracting(c -> c.get("target").asString())
                .containsExactly("api 127.0.0.1:" + slow.port(), "api-2 127.0.0.1:" + slow.port());
        assertThat(status(timeouts.get(0))).isEqualTo("PASS");
        assertThat(timeouts.get(0).get("summary").asString()).contains("well within proxy_read_timeout 10s");
        assertThat(status(timeouts.get(1))).isEqualTo("WARN");
        assertThat(timeouts.get(1).get("advice").asString())
                .startsWith("raise proxy_read_timeout in " + at(conf, "proxy_read_timeout 1s") + " above");
        assertThat(run.checks("config.endpoints")).extracting(c -> c.get("target").asString())
                .containsExactly("upstream api at " + at(conf, "upstream api"), "upstream api at " + at(conf, "upstream api")
                        + ", as location /export/ at " + at(conf, "location /export/") + " uses it");
        assertThat(nginxTest(conf)).startsWith("0 ");
    }

    @Test
    void aServerNameThatDoesNotResolveFailsAndTheAdviceNamesItsServerLine() throws Exception {
        TestDnsServer dns = cleanup.add(TestDnsServer.start());
        TestBackend ok = cleanup.add(TestBackend.answering("ok"));
        dns.a("ok.candor.test", 30, "127.0.0.1");
        Path conf = nginxConf("""
                resolver %s;
                upstream app {
                    server ok.candor.test:%d;
                    server gone.candor.test:%d;
                }
                server {
                    listen 127.0.0.1:%d;
                    location / { proxy_pass http://app; }
                }
                """.formatted(dns.address(), ok.port(), ok.port(), Ports.freePort()));

        DoctorRun run = DoctorRun.from(conf, "--json", "--connects", "1", "--idle-watch", "500ms");

        JsonNode gone = run.check("backend.dns", "gone.candor.test");
        assertThat(status(gone)).isEqualTo("FAIL");
        assertThat(error(gone)).isEqualTo("dns_error");
        assertThat(gone.get("evidence").get("resolver").asString()).isEqualTo(dns.address());
        assertThat(gone.get("advice").asString()).contains("fix the typo in server gone.candor.test:" + ok.port() + " in "
                + at(conf, "server gone.candor.test") + ", create the record, or point resolver at the resolver that knows it");
        assertThat(status(run.check("backend.dns", "ok.candor.test"))).isEqualTo("PASS");
        assertThat(status(run.check("backend.response", "ok.candor.test"))).isEqualTo("PASS");
        assertThat(run.checks("config.dns")).as("nginx resolves upstream names at start, not by dns.refresh").isEmpty();
        assertThat(run.exit()).isEqualTo(2);
        // nginx resolves server names when it reads its config (with the system's resolver), and agrees
        String nginx = nginxTest(conf);
        assertThat(nginx).startsWith("1 ").contains("host not found in upstream");
    }

    @Test
    void anHttpsUpstreamIsProbedWithNginxsTlsSettingsAndABadCaNamesThem() throws Exception {
        TestPki ca = TestPki.newCa(dir, "Doctor CA");
        TestPki.Issued cert = ca.issue("api.internal").write("api");
        TestBackend secure = cleanup.add(TestBackend.startTls(
                SslContextBuilder.forServer(cert.keys().getPrivate(), cert.certificate()).build(),
                (request, reply) -> reply.send(200, "secure")));
        TestPki other = TestPki.newCa(Files.createDirectories(dir.resolve("other")), "Other CA");
        Path conf = nginxConf("""
                server {
                    listen 127.0.0.1:%d;
                    location / {
                        proxy_pass https://127.0.0.1:%d;
                        proxy_ssl_name api.internal;
                        proxy_ssl_server_name on;
                    }
                    location /verified/ {
                        proxy_pass https://127.0.0.1:%d;
                        proxy_ssl_verify on;
                        proxy_ssl_trusted_certificate "%s";
                        proxy_ssl_name api.internal;
                    }
                }
                """.formatted(Ports.freePort(), secure.port(), secure.port(), other.caFile()));

        DoctorRun run = DoctorRun.from(conf, "--json", "--connects", "1", "--idle-watch", "500ms");

        List<JsonNode> tls = run.checks("backend.tls");
        assertThat(tls).hasSize(2);
        JsonNode unverified = tls.stream().filter(c -> c.get("status").asString().equals("PASS")).findFirst().orElseThrow();
        assertThat(unverified.get("evidence").get("sni").asString()).isEqualTo("api.internal");
        assertThat(unverified.get("evidence").get("certificate").asString()).contains("CN=api.internal");
        JsonNode refused = tls.stream().filter(c -> c.get("status").asString().equals("FAIL")).findFirst().orElseThrow();
        assertThat(error(refused)).isEqualTo("tls_certificate_error");
        assertThat(refused.get("advice").asString())
                .contains("check proxy_ssl_verify, proxy_ssl_trusted_certificate and proxy_ssl_name and the");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(nginxTest(conf)).startsWith("0 ");
    }

    @Test
    void aFileThatIsNeitherNginxNorHaproxyCannotBeRun() throws Exception {
        Path yaml = Files.writeString(dir.resolve("candor.yaml"), "upstreams:\n  app:\n    endpoints: []\n");

        DoctorRun run = DoctorRun.from(yaml, "--json");

        assertThat(run.exit()).isEqualTo(3);
        assertThat(run.err()).contains(yaml + ": neither an nginx nor an HAProxy configuration");
        assertThat(run.json().get("verdict").asString()).isEqualTo("COULD_NOT_RUN");
    }

    @Test
    void anNginxSyntaxErrorOrABadTimeIsReportedAtItsLine() throws Exception {
        Path conf = nginxConf("""
                server {
                    location / { proxy_pass http://127.0.0.1:9; proxy_read_timeout soon; }
                }
                """);

        DoctorRun run = DoctorRun.from(conf);

        assertThat(run.exit()).isEqualTo(3);
        assertThat(run.err()).contains(at(conf, "proxy_read_timeout soon") + ": proxy_read_timeout soon: not an nginx time");
        assertThat(nginxTest(conf)).startsWith("1 ").contains("\"proxy_read_timeout\" directive invalid value");
    }

    @Test
    void theHumanReportNamesNginxDirectivesAndVariableTargetsAreListedAsNotProbed() throws Exception {
        TestBackend ok = cleanup.add(TestBackend.answering("ok"));
        Path conf = nginxConf("""
                server {
                    listen 127.0.0.1:%d;
                    location / { proxy_pass http://127.0.0.1:%d; }
                    location /dyn/ { proxy_pass http://$arg_host; }
                }
                """.formatted(Ports.freePort(), ok.port()));

        DoctorRun run = DoctorRun.from(conf, "--color", "never", "--connects", "1", "--idle-watch", "500ms");

        assertThat(run.out()).contains("candor doctor: " + conf)
                .contains("read as nginx: 1 upstream(s), 1 server(s) to probe; 1 target(s) not probed")
                .contains("well within proxy_read_timeout 1m")
                .contains("not run: for nginx's own logs, run `candor explain` on them")
                .contains("proxy_pass http://127.0.0.1:" + ok.port() + " (" + at(conf, "proxy_pass http://127.0.0.1:")
                        + ") names no upstream block, so nginx opens a new connection for every request");
        assertThat(run.exit()).isZero();
    }
}
