package dev.candor.admin;

import dev.candor.testing.AdminUnderTest;
import dev.candor.testing.Cleanup;
import dev.candor.testing.TestBackend;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** SPEC §6 GET /ready: 200 when serving, 503 with the reason while draining. */
class ReadyEndpointTest {
    @TempDir
    Path dir;

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    @Test
    void readyWhileServingAnd503WithTheReasonOnceDraining() {
        TestBackend backend = cleanup.add(TestBackend.answering("ok"));
        AdminUnderTest t = cleanup.add(AdminUnderTest.start(dir, AdminUnderTest.config("", backend.port())));

        HttpResponse<String> ready = t.get("/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(AdminUnderTest.parse(ready).path("ready").asBoolean()).isTrue();

        CompletableFuture.runAsync(() -> t.server().shutdownGracefully(Duration.ofSeconds(2)));
        await().untilAsserted(() -> {
            HttpResponse<String> draining = t.get("/ready");
            assertThat(draining.statusCode()).isEqualTo(503);
            assertThat(draining.headers().firstValue("content-type").orElseThrow()).startsWith("application/problem+json");
            assertThat(AdminUnderTest.parse(draining).path("detail").asString())
                    .isEqualTo("draining: shutting down, in-flight requests are finishing");
        });
    }
}
