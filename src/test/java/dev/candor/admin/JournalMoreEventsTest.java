package dev.candor.admin;

import dev.candor.testing.AdminUnderTest;
import dev.candor.testing.Cleanup;
import dev.candor.testing.TestBackend;
import dev.candor.testing.TestRedis;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The events docs/journal.md listed as not yet journaled: refused reloads, and rate-limit store outages. */
class JournalMoreEventsTest {
    @TempDir
    Path dir;
    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private static List<JsonNode> all(AdminUnderTest t, String kind) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode e : t.json("/api/events?since=10m").get("events")) {
            if (e.get("kind").asString().equals(kind)) {
                out.add(e);
            }
        }
        return out;
    }

    @Test
    void aRefusedReloadIsRecordedWithEachErrorAtItsLineAndColumn() {
        TestBackend app = cleanup.add(TestBackend.answering("ok"));
        AdminUnderTest t = cleanup.add(AdminUnderTest.start(dir, AdminUnderTest.config("timeouts: {response: 30s}", app.port())));
        String broken = AdminUnderTest.config("timeouts: {response: soon}", app.port());

        assertThat(t.reload(broken).statusCode()).isNotEqualTo(200);

        await().untilAsserted(() -> assertThat(all(t, "reload_refused")).hasSize(1));
        JsonNode refused = all(t, "reload_refused").get(0);
        JsonNode facts = refused.get("facts");
        assertThat(facts.get("trigger").asString()).isEqualTo("admin api");
        assertThat(facts.get("errors").asString()).isEqualTo("1");
        int line = broken.lines().toList().indexOf("    timeouts: {response: soon}") + 1;
        assertThat(facts.get("error 1").asString()).startsWith(t.file() + ":" + line + ":")
                .contains("upstreams.app.timeouts.response");
        assertThat(refused.get("subject").asString()).isEqualTo(t.file().toString());
        assertThat(refused.get("summary").asString()).startsWith("reload (admin api) refused, running config kept: " + t.file());
        assertThat(all(t, "reload")).as("nothing was applied").isEmpty();
        assertThat(t.request("/still").statusCode()).isEqualTo(200);
    }

    @Test
    void aRateLimitStoreOutageIsRecordedWhenRedisGoesAndWhenItIsBack() {
        TestRedis redis = cleanup.add(TestRedis.start());
        TestBackend app = cleanup.add(TestBackend.answering("ok"));
        String yaml = "rate_limit_store: " + redis.url() + "\n" + AdminUnderTest.config("", app.port());
        AdminUnderTest t = cleanup.add(AdminUnderTest.start(dir, yaml));
        await().atMost(Duration.ofSeconds(20)).until(() -> t.server().rateLimitStore().connected());
        assertThat(all(t, "rate_limit_store")).as("connecting at start is no outage").isEmpty();

        redis.stopProcess();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(all(t, "rate_limit_store")).hasSize(1));
        JsonNode down = all(t, "rate_limit_store").get(0);
        assertThat(down.get("subject").asString()).isEqualTo(redis.url());
        assertThat(down.get("facts").get("state").asString()).isEqualTo("unreachable");
        assertThat(down.get("facts").get("reason").asString()).isNotBlank();
        assertThat(down.get("summary").asString()).contains("local buckets");

        redis.startProcess();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(all(t, "rate_limit_store")).hasSize(2));
        JsonNode back = all(t, "rate_limit_store").get(1);
        assertThat(back.get("facts").get("state").asString()).isEqualTo("back");
        assertThat(back.get("facts").get("down_since").asString()).isEqualTo(down.get("facts").get("since").asString());
        assertThat(back.get("facts").get("down_for_s").asLong()).isGreaterThanOrEqualTo(0);
    }
}
