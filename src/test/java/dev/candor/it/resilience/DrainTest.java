package dev.candor.it.resilience;

import dev.candor.observe.AccessLogEntry;
import dev.candor.testing.Cleanup;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawHttp;
import dev.candor.testing.RawResponse;
import dev.candor.testing.TestBackend;
import dev.candor.upstream.EndpointHealth;
import dev.candor.upstream.EndpointState;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC §6 drain: an operator takes an endpoint out of rotation; the requests already on it finish, new
 * ones go elsewhere, and undraining puts it back.
 */
class DrainTest {

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private final CompletableFuture<Void> release = new CompletableFuture<>();

    /** Answers its name; "/slow" only once the test releases it. */
    private TestBackend backend(String name) {
        return cleanup.add(TestBackend.start((request, reply) -> {
            if (request.uri().equals("/slow")) {
                release.thenRun(() -> reply.send(200, name + " slow"));
            } else {
                reply.send(200, name);
            }
        }));
    }

    @Test
    void aDrainedEndpointFinishesItsInFlightRequestTakesNoNewOnesAndReturnsWhenUndrained() {
        TestBackend a = backend("a");
        TestBackend b = backend("b");
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOfAll(List.of(a.port(), b.port()), "", ""));
        String aLabel = "127.0.0.1:" + a.port();
        EndpointHealth aHealth = proxy.endpoint(a.port()).health();

        try (RawHttp inFlight = proxy.connect()) {
            inFlight.send(RawHttp.request("GET", "/slow"));
            a.awaitRequest(); // round robin starts with the first endpoint

            assertThat(proxy.server().drain("app", aLabel, true)).isTrue();
            assertThat(aHealth.state()).isEqualTo(EndpointState.DRAINING);
            assertThat(aHealth.why()).isEqualTo("draining");
            assertThat(aHealth.inFlight()).isEqualTo(1);

            for (int i = 0; i < 10; i++) {
                assertThat(proxy.get("/new-" + i).bodyText()).as("new request %d", i).isEqualTo("b");
            }
            assertThat(a.requests()).as("only the in-flight request").hasSize(1);

            release.complete(null);
            RawResponse slow = inFlight.read();
            assertThat(slow.status()).isEqualTo(200);
            assertThat(slow.bodyText()).isEqualTo("a slow");
            AccessLogEntry entry = proxy.awaitEntry(slow);
            assertThat(entry.endpoint()).isEqualTo(aLabel);
            assertThat(entry.error()).isNull();
            assertThat(entry.attempts()).isEqualTo(1);
        }
        assertThat(aHealth.inFlight()).isZero();
        assertThat(aHealth.state()).as("still draining after its last request").isEqualTo(EndpointState.DRAINING);

        assertThat(proxy.server().drain("app", aLabel, false)).isTrue();
        assertThat(aHealth.state()).isEqualTo(EndpointState.HEALTHY);
        int toA = 0;
        for (int i = 0; i < 10; i++) {
            if (proxy.get("/back-" + i).bodyText().equals("a")) {
                toA++;
            }
        }
        assertThat(toA).as("round robin over both again").isEqualTo(5);
    }

    @Test
    void drainingAnUnknownEndpointOrUpstreamSaysSo() {
        TestBackend a = backend("a");
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOfAll(List.of(a.port()), "", ""));

        assertThat(proxy.server().drain("app", "127.0.0.1:1", true)).isFalse();
        assertThat(proxy.server().drain("nope", "127.0.0.1:" + a.port(), true)).isFalse();
        assertThat(proxy.get("/still").bodyText()).isEqualTo("a");
    }
}
