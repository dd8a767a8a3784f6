package dev.candor.it.edge;

import dev.candor.failure.FailureReport;
import dev.candor.observe.AccessLogEntry;
import dev.candor.testing.Cleanup;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawHttp;
import dev.candor.testing.RawResponse;
import dev.candor.testing.TestBackend;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC §10 routes[].access: clients come from different loopback addresses (every 127/8 address is this
 * machine on Linux, and ::1 for IPv6) to one proxy whose routes allow and deny CIDR blocks.
 */
class AccessRulesTest {

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private final TestBackend backend = cleanup.add(TestBackend.answering("ok"));
    private final ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.start("""
            listeners:
              - address: 127.0.0.1:0
              - address: "[::1]:0"
            workers: 1
            errors: { expose: details }
            routes:
              - name: internal
                match: { path_prefix: /internal/ }
                upstream: app
                access:
                  allow: [127.0.0.0/24, "::1"]
                  deny: [127.0.0.2]
              - name: public
                match: { path_prefix: /public/ }
                upstream: app
                access:
                  deny: ["127.0.0.3/32", "::/0"]
              - name: rest
                upstream: app
            upstreams:
              app:
                endpoints: [{ address: "127.0.0.1:${PORT}" }]
            """, Map.of("PORT", backend.port())));

    private RawResponse getFrom(String localAddress, String path, String... headerLines) {
        try (RawHttp client = RawHttp.connect(proxy.address(), InetAddress.getByName(localAddress))) {
            return client.send(RawHttp.request("GET", path, headerLines)).read();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anAddressInsideAllowIsForwarded() {
        RawResponse response = getFrom("127.0.0.1", "/internal/a");

        assertThat(response.status()).isEqualTo(200);
        assertThat(backend.awaitRequest().uri()).isEqualTo("/internal/a");
    }

    @Test
    void denyWinsOverAllowAndTheRuleThatMatchedIsInEveryPieceOfEvidence() {
        RawResponse response = getFrom("127.0.0.2", "/internal/a", "Accept: application/json");

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.header("Proxy-Status")).startsWith("candor; error=http_request_denied")
                .contains("routes[0].access.deny 127.0.0.2");
        assertThat(response.bodyText()).contains("\"error\":\"http_request_denied\"");
        AccessLogEntry entry = proxy.awaitEntry(response);
        assertThat(entry.status()).isEqualTo(403);
        assertThat(entry.error()).isEqualTo("http_request_denied");
        assertThat(entry.clientIp()).isEqualTo("127.0.0.2");
        assertThat(entry.errorDetail())
                .isEqualTo("client 127.0.0.2 matches routes[0].access.deny 127.0.0.2 (route internal)");
        assertThat(entry.attempts()).isZero();
        FailureReport report = proxy.server().failures().find(response.header("X-Request-Id"));
        assertThat(report.detail()).isEqualTo(entry.errorDetail());
        assertThat(report.limit()).isEqualTo("routes[0].access.deny: 127.0.0.2");
        assertThat(backend.requestHeads()).isZero();
    }

    @Test
    void withAllowSetEveryOtherAddressIsDenied() {
        RawResponse response = getFrom("127.0.1.1", "/internal/a");

        assertThat(response.status()).isEqualTo(403);
        assertThat(proxy.awaitEntry(response).errorDetail())
                .isEqualTo("client 127.0.1.1 is in none of routes[0].access.allow [127.0.0.0/24, ::1] (route internal)");
        assertThat(backend.requestHeads()).isZero();
    }

    @Test
    void aDenyOnlyRuleLetsEveryOtherAddressIn() {
        assertThat(getFrom("127.0.0.1", "/public/x").status()).isEqualTo(200);
        assertThat(getFrom("127.0.0.3", "/public/x").status()).isEqualTo(403);
        assertThat(getFrom("127.0.0.3", "/elsewhere").status()).as("another route has no rules").isEqualTo(200);
    }

    @Test
    void ipv6ClientsAreMatchedAgainstIpv6Blocks() {
        InetSocketAddress v6 = proxy.server().addresses().get(1);
        try (RawHttp client = RawHttp.connect(v6)) {
            assertThat(client.send(RawHttp.request("GET", "/internal/a")).read().status()).isEqualTo(200);
        }
        try (RawHttp client = RawHttp.connect(v6)) {
            RawResponse response = client.send(RawHttp.request("GET", "/public/a")).read();
            assertThat(response.status()).isEqualTo(403);
            assertThat(proxy.awaitEntry(response).errorDetail()).isEqualTo(
                    "client 0:0:0:0:0:0:0:1 matches routes[1].access.deny ::/0 (route public)");
        }
    }
}
