package dev.candor.it.failure;

import dev.candor.failure.Actor;
import dev.candor.failure.Cause;
import dev.candor.failure.ErrorType;
import dev.candor.failure.FailureReport;
import dev.candor.failure.Phase;
import dev.candor.failure.Signal;
import dev.candor.observe.AccessLogEntry;
import dev.candor.testing.Cleanup;
import dev.candor.testing.Ports;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawResponse;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.candor.it.failure.Evidence.assertDetailedReply;
import static dev.candor.it.failure.Evidence.assertTypeOnlyReply;
import static dev.candor.it.failure.Evidence.awaitReport;
import static dev.candor.it.failure.Evidence.curlConnect;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC §3 {@code connection_timeout}: a SYN nobody answers, as from a host behind a dropping firewall.
 * Without root a listener with a full accept queue plays that host; with root an iptables DROP rule does.
 */
class ConnectionTimeoutTest {

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    @Test
    void aListenerWithAFullAcceptQueueLeavesTheSynUnansweredAndTheClientGets504ConnectionTimeout() {
        SilentListener silent = SilentListener.open();
        if (silent == null) {
            // This kernel completed every handshake beyond the backlog: let a firewall drop the SYN instead.
            Iptables.assumeUsable("the accept-queue trick did not hold back the SYN on this kernel");
            aSynDroppedByTheFirewallGets504ConnectionTimeout();
            return;
        }
        cleanup.add(silent);
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOf(silent.port(),
                "errors: { expose: details }", "timeouts: { connect: 300ms }"));

        RawResponse response = proxy.get("/silent", "Accept: application/json");

        AccessLogEntry entry = proxy.awaitEntry(response);
        assertDetailedReply(response, ErrorType.CONNECTION_TIMEOUT, "127.0.0.1:" + silent.port(), entry.errorDetail());
        assertConnectTimedOut(proxy, entry, silent.port());
    }

    @Test
    void aSynDroppedByTheFirewallGets504ConnectionTimeout() {
        Iptables.assumeUsable("the DROP variant of connection_timeout");
        int port = Ports.refusing();
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOf(port, "", "timeouts: { connect: 300ms }"));
        List<String> rule = Iptables.loopbackRule(port, "-j", "DROP");

        Iptables.add(rule);
        RawResponse response;
        try {
            response = proxy.get("/dropped", "Accept: application/json");
        } finally {
            Iptables.delete(rule);
        }

        assertTypeOnlyReply(response, ErrorType.CONNECTION_TIMEOUT, port);
        assertConnectTimedOut(proxy, proxy.awaitEntry(response), port);
    }

    private static void assertConnectTimedOut(ProxyUnderTest proxy, AccessLogEntry entry, int port) {
        assertThat(entry.status()).isEqualTo(504);
        assertThat(entry.error()).isEqualTo("connection_timeout");
        assertThat(entry.errorDetail()).startsWith("connect to 127.0.0.1:" + port
                + " got no answer: the host is down or a firewall drops the packets (");
        assertThat(entry.attempts()).isEqualTo(1);
        assertThat(entry.upstreamStatus()).isNull();
        assertThat(entry.connectMs()).as("the connect never completed").isNull();
        assertThat(entry.ttfbMs()).isNull();
        assertThat(entry.durationMs()).as("waited timeouts.connect, and not much longer")
                .isBetween(290.0, 3_000.0);

        FailureReport report = awaitReport(proxy, entry.requestId());
        assertThat(report.error()).isEqualTo(ErrorType.CONNECTION_TIMEOUT);
        assertThat(report.cause()).extracting(Cause::phase, Cause::actor, Cause::signal)
                .containsExactly(Phase.CONNECT, Actor.NETWORK, Signal.NO_ANSWER);
        assertThat(report.limit()).isEqualTo("no answer to the connection attempt after 0.300 s = timeouts.connect");
        assertThat(report.confirm()).isEqualTo(curlConnect(port));
        assertThat(report.attempts()).singleElement().satisfies(a -> {
            assertThat(a.error()).isEqualTo(ErrorType.CONNECTION_TIMEOUT);
            assertThat(a.connection()).isNull();
        });
        assertThat(report.trace()).contains("CONNECT_FAILED(NO_ANSWER)").contains("LOCAL_REPLY(504)");
    }
}
