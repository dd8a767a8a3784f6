package dev.candor.doctor;

import dev.candor.testing.Cleanup;
import dev.candor.testing.ForeignProxy;
import dev.candor.testing.Ports;
import dev.candor.testing.TestBackend;
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
import java.util.regex.Pattern;

import static dev.candor.doctor.DoctorRun.error;
import static dev.candor.doctor.DoctorRun.status;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code candor doctor --from haproxy.cfg}: HAProxy configs written by the test, pointing at misbehaving
 * backends on loopback, investigated through the real command line; advice names HAProxy's keywords at their
 * {@code FILE:LINE}. Each fixture is also checked by the real {@code haproxy -c} (skipped without HAProxy,
 * except in CI).
 */
class DoctorFromHaproxyTest {
    private static final Path HAPROXY = Path.of("/usr/sbin/haproxy");

    @TempDir
    Path dir;
    @AutoClose
    final Cleanup cleanup = new Cleanup();

    /** A haproxy.cfg with a frontend on a free loopback port sending everything to backend {@code app}. */
    private Path haproxyCfg(String name, String defaults, String backends) throws IOException {
        return Files.writeString(dir.resolve(name), """
                global
                    maxconn 100

                defaults
                    mode http
                    timeout client 5s
                %s

                frontend web
                    bind 127.0.0.1:%d
                    use_backend app if { path_beg /app/ }
                    default_backend app

                %s
                """.formatted(defaults.indent(4).stripTrailing(), Ports.freePort(), backends.stripTrailing()));
    }

    private static String at(Path file, String fragment) throws IOException {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().startsWith(fragment)) {
                return file + ":" + (i + 1);
            }
        }
        throw new AssertionError(fragment + " is not in " + file);
    }

    /** {@code haproxy -c}'s exit status and output (skipped without HAProxy, except in CI). */
    private static String haproxyCheck(Path cfg) throws Exception {
        ForeignProxy.assumeInstalled(HAPROXY, "haproxy");
        Process p = new ProcessBuilder(HAPROXY.toString(), "-c", "-f", cfg.toString()).redirectErrorStream(true).start();
        String printed = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() + " " + printed;
    }

    @Test
    void theHttpchkPathIsTheRequestSentAndARefusedServerIsNamedByItsServerLine() throws Exception {
        TestBackend ok = cleanup.add(TestBackend.start((request, reply) -> reply.send(
                request.uri().equals("/health") ? 200 : 404, request.uri())));
        TestBackend sick = cleanup.add(TestBackend.start((request, reply) -> reply.send(503, "draining")));
        int refusing = Ports.refusing();
        Path cfg = haproxyCfg("haproxy.cfg", "timeout connect 2s\ntimeout server 5s", """
                backend app
                    option httpchk GET /health
                    server web1 127.0.0.1:%d check

                backend reports
                    server rep1 127.0.0.1:%d

                backend sick
                    option httpchk GET /ready
                    server sick1 127.0.0.1:%d check
                """.formatted(ok.port(), refusing, sick.port()));

        DoctorRun run = DoctorRun.from(cfg, "--json", "--connects", "2", "--idle-watch", "500ms");

        JsonNode health = run.check("backend.health", "127.0.0.1:" + ok.port());
        assertThat(status(health)).isEqualTo("PASS");
        assertThat(health.get("evidence").get("path").asString()).isEqualTo("/health");
        JsonNode response = run.check("backend.response", "127.0.0.1:" + ok.port());
        assertThat(response.get("evidence").get("request").asString()).isEqualTo("GET /health");
        assertThat(response.get("evidence").get("status").asInt()).isEqualTo(200);
        JsonNode failing = run.check("backend.health", "127.0.0.1:" + sick.port());
        assertThat(status(failing)).isEqualTo("FAIL");
        assertThat(failing.get("advice").asString()).endsWith("haproxy takes it out of rotation once it fails enough"
                + " checks in a row; fix the backend's /ready or the check (option httpchk GET /ready in "
                + at(cfg, "option httpchk GET /ready") + ")");
        JsonNode down = run.check("backend.tcp", "127.0.0.1:" + refusing);
        assertThat(status(down)).isEqualTo("FAIL");
        assertThat(error(down)).isEqualTo("connection_refused");
        assertThat(down.get("advice").asString()).contains("or correct server rep1 127.0.0.1:" + refusing + " in "
                + at(cfg, "server rep1"));
        assertThat(run.check("config.check", cfg.toString()).get("evidence").get("format").asString()).isEqualTo("haproxy");
        assertThat(run.plan()).anyMatch(s -> s.startsWith("restart order:") && s.contains("reload haproxy (systemctl reload haproxy)"));
        assertThat(run.exit()).isEqualTo(2);
        assertThat(haproxyCheck(cfg)).startsWith("0 ");
    }

    @Test
    void aBackendSlowerThanTimeoutServerWarnsNamingTheLineOfTheDefaultsItComesFrom() throws Exception {
        TestBackend slow = cleanup.add(TestBackend.start((request, reply) -> CompletableFuture
                .delayedExecutor(1_300, TimeUnit.MILLISECONDS).execute(() -> reply.send(200, "late"))));
        Path cfg = haproxyCfg("haproxy.cfg", "timeout connect 2s\ntimeout server 1s", """
                backend app
                    server slow1 127.0.0.1:%d check
                """.formatted(slow.port()));

        DoctorRun run = DoctorRun.from(cfg, "--json", "--connects", "1", "--idle-watch", "500ms");

        JsonNode t = run.check("config.timeouts", "127.0.0.1:" + slow.port());
        assertThat(status(t)).isEqualTo("WARN");
        assertThat(error(t)).isEqualTo("http_response_timeout");
        assertThat(t.get("evidence").get("timeout server").asString()).isEqualTo("1s");
        assertThat(t.get("evidence").get("timeout connect").asString()).isEqualTo("2s");
        String directive = "timeout server in " + at(cfg, "timeout server 1s");
        assertThat(t.get("summary").asString()).matches("the backend took \\d+\\.\\d ms to answer; "
                + Pattern.quote(directive) + " is 1s: the proxy gives up first \\(504\\)");
        assertThat(run.plan()).anyMatch(s -> s.startsWith("raise " + directive + " from 1s to at least "));
        // check without option httpchk: HAProxy's connect check, which the doctor repeats
        assertThat(status(run.check("backend.health", "127.0.0.1:" + slow.port()))).isEqualTo("PASS");
        assertThat(run.check("balancer.health_check", "backend app").get("summary").asString())
                .isEqualTo("servers are checked with check on server slow1 127.0.0.1:" + slow.port() + " check in "
                        + at(cfg, "server slow1") + ": one that fails leaves rotation");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(haproxyCheck(cfg)).startsWith("0 ");
    }

    @Test
    void aBackendClosingIdleConnectionsBeforeHaproxyPurgesThemWarnsOfStaleConnections() throws Exception {
        TestBackend closer = cleanup.add(TestBackend.start((request, reply) -> reply.send(200, "ok")
                .closeWhenIdleFor(Duration.ofMillis(400))));
        TestBackend other = cleanup.add(TestBackend.start((request, reply) -> reply.send(200, "ok")
                .closeWhenIdleFor(Duration.ofMillis(400))));
        // named lb.conf: the content, not the name, says HAProxy
        Path cfg = haproxyCfg("lb.conf", "timeout connect 2s\ntimeout server 5s", """
                backend app
                    server api1 127.0.0.1:%d pool-purge-delay 3s

                backend never
                    http-reuse never
                    server api2 127.0.0.1:%d
                """.formatted(closer.port(), other.port()));

        DoctorRun run = DoctorRun.from(cfg, "--json", "--connects", "1");

        JsonNode idle = run.check("config.pool_idle", "127.0.0.1:" + closer.port());
        assertThat(status(idle)).isEqualTo("WARN");
        assertThat(error(idle)).isEqualTo("connection_terminated");
        assertThat(idle.get("evidence").get("pool-purge-delay").asString()).isEqualTo("3s");
        String directive = "pool-purge-delay in " + at(cfg, "server api1");
        assertThat(idle.get("summary").asString()).matches("the backend closed an idle connection after \\d+\\.\\d s,"
                + " but " + Pattern.quote(directive) + " is 3s: pooled connections outlive the backend's keep-alive");
        assertThat(run.plan()).anyMatch(s -> s.startsWith("lower " + directive + " from 3s to ")
                && s.endsWith("then reload haproxy (systemctl reload haproxy) so no connection from before is reused"));
        JsonNode never = run.check("config.pool_idle", "127.0.0.1:" + other.port());
        assertThat(status(never)).isEqualTo("PASS");
        assertThat(never.get("summary").asString()).isEqualTo("backend never does not reuse server connections"
                + " (http-reuse never in " + at(cfg, "http-reuse never") + "): none can go stale");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(haproxyCheck(cfg)).startsWith("0 ");
    }

    @Test
    void anSslServerIsProbedWithItsSniAndCaFileAndAWrongCaFails() throws Exception {
        TestPki ca = TestPki.newCa(dir, "Doctor CA");
        TestPki.Issued cert = ca.issue("api.internal").write("api");
        TestBackend secure = cleanup.add(TestBackend.startTls(
                SslContextBuilder.forServer(cert.keys().getPrivate(), cert.certificate()).build(),
                (request, reply) -> reply.send(200, "secure")));
        TestPki other = TestPki.newCa(Files.createDirectories(dir.resolve("other")), "Other");
        Path cfg = haproxyCfg("haproxy.cfg", "timeout connect 2s\ntimeout server 5s", """
                backend app
                    server api1 127.0.0.1:%d ssl verify required ca-file "%s" sni str(api.internal)

                backend wrong
                    server api2 127.0.0.1:%d ssl verify required ca-file "%s" sni str(api.internal)
                """.formatted(secure.port(), ca.caFile(), secure.port(), other.caFile()));

        DoctorRun run = DoctorRun.from(cfg, "--json", "--connects", "1", "--idle-watch", "500ms");

        JsonNode good = run.check("backend.tls", "app ");
        assertThat(status(good)).isEqualTo("PASS");
        assertThat(good.get("evidence").get("sni").asString()).isEqualTo("api.internal");
        assertThat(good.get("evidence").get("verify").asBoolean()).isTrue();
        JsonNode wrong = run.check("backend.tls", "wrong ");
        assertThat(status(wrong)).isEqualTo("FAIL");
        assertThat(error(wrong)).isEqualTo("tls_certificate_error");
        assertThat(wrong.get("advice").asString()).contains("check the server line's ssl, verify, ca-file, sni and verifyhost");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(haproxyCheck(cfg)).startsWith("0 ");
    }

    @Test
    void aBackendWithoutTimeoutsOrChecksIsProbedAndSaysTheyAreNotSet() throws Exception {
        TestBackend ok = cleanup.add(TestBackend.answering("ok"));
        Path cfg = haproxyCfg("haproxy.cfg", "", """
                backend app
                    server web1 127.0.0.1:%d
                """.formatted(ok.port()));

        DoctorRun run = DoctorRun.from(cfg, "--json", "--connects", "1", "--idle-watch", "500ms");

        assertThat(status(run.check("backend.tcp", "127.0.0.1:" + ok.port()))).isEqualTo("PASS");
        JsonNode t = run.check("config.timeouts", "127.0.0.1:" + ok.port());
        assertThat(t.get("summary").asString()).startsWith("timeout server is off (0); observed ");
        assertThat(t.get("evidence").get("timeout server").asString()).isEqualTo("0");
        JsonNode balancer = run.check("balancer.health_check", "backend app");
        assertThat(status(balancer)).isEqualTo("WARN");
        assertThat(balancer.get("advice").asString()).startsWith("add check to the server lines of backend app at "
                + at(cfg, "backend app"));
        assertThat(run.exit()).isEqualTo(1);
        // haproxy itself accepts it, with a warning about the missing timeouts
        assertThat(haproxyCheck(cfg)).startsWith("0 ").contains("missing timeouts");
    }
}
