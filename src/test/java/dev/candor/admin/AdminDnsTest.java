package dev.candor.admin;

import dev.candor.testing.AdminUnderTest;
import dev.candor.testing.Cleanup;
import dev.candor.testing.TestBackend;
import dev.candor.testing.TestDnsServer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/admin.md: an upstream's DNS names and a failure's DNS evidence, as the API shows them. */
class AdminDnsTest {
    @TempDir
    Path dir;
    @AutoClose
    final Cleanup cleanup = new Cleanup();

    @Test
    void upstreamsListTheNamesTheyFollowAndAFailureCarriesItsDnsEvidence() {
        TestDnsServer dns = cleanup.add(TestDnsServer.start());
        TestBackend backend = cleanup.add(TestBackend.answering("ok"));
        dns.a("app.test", 30, "127.0.0.1");
        String yaml = AdminUnderTest.config("", backend.port())
                .replace("      - address: 127.0.0.1:" + backend.port(), "      - address: app.test:" + backend.port()
                        + "\n      - address: gone.test:" + backend.port())
                .replace("workers: 2", "workers: 2\ndns: { resolvers: [\"" + dns.address() + "\"], timeout: 300ms }");
        AdminUnderTest t = cleanup.add(AdminUnderTest.start(dir, yaml));
        assertThat(t.request("/ok").statusCode()).isEqualTo(200);

        JsonNode app = t.json("/api/upstreams").get("upstreams").get(0);
        JsonNode names = app.get("dns");
        assertThat(names).hasSize(2);
        assertThat(names.get(0).get("name").asString()).isEqualTo("app.test:" + backend.port());
        assertThat(names.get(0).get("answer").get(0).asString()).isEqualTo("127.0.0.1");
        assertThat(names.get(0).get("ttl_seconds").asLong()).isEqualTo(30);
        assertThat(names.get(0).get("resolver").asString()).isEqualTo(dns.address());
        assertThat(names.get(1).get("answer")).isEmpty();
        assertThat(names.get(1).get("last_failure").asString()).contains("gone.test does not exist (NXDOMAIN from "
                + dns.address() + ")");
        JsonNode endpoint = app.get("endpoints").get(0);
        assertThat(endpoint.get("address").asString()).isEqualTo("127.0.0.1:" + backend.port());
        assertThat(endpoint.get("configured").asString()).isEqualTo("app.test:" + backend.port());

        backend.close();
        HttpResponse<String> failed = t.request("/refused");
        assertThat(failed.statusCode()).isEqualTo(502);
        String id = failed.headers().firstValue("X-Request-Id").orElseThrow();
        t.accessLog().awaitEntries(2);
        JsonNode evidence = t.json("/api/errors/" + id).get("dns");
        assertThat(evidence).hasSize(1);
        assertThat(evidence.get(0).get("address").asString()).isEqualTo("127.0.0.1:" + backend.port());
        assertThat(evidence.get(0).get("in_answer").asBoolean()).isTrue();
        assertThat(evidence.get(0).get("stale").asBoolean()).isFalse();
    }
}
