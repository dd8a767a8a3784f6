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
import static dev.candor.it.failure.Evidence.awaitReport;
import static dev.candor.it.failure.Evidence.curlConnect;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC §3 {@code destination_ip_unroutable}: the kernel reports EHOSTUNREACH, here because a firewall
 * rule answers the SYN with an ICMP "host unreachable". Needs root and iptables.
 */
class UnroutableDestinationTest {

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    @Test
    void anIcmpHostUnreachableGets502DestinationIpUnroutableNotConnectionRefused() {
        Iptables.assumeUsable("destination_ip_unroutable");
        int port = Ports.refusing();
        ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.inFrontOf(port, "errors: { expose: details }", ""));
        List<String> rule = Iptables.loopbackRule(port, "-j", "REJECT", "--reject-with", "icmp-host-unreachable");

        Iptables.add(rule);
        RawResponse response;
        try {
            response = proxy.get("/unreachable", "Accept: application/json");
        } finally {
            Iptables.delete(rule);
        }

        AccessLogEntry entry = proxy.awaitEntry(response);
        assertThat(entry.error()).as("error (detail: %s)", entry.errorDetail()).isEqualTo("destination_ip_unroutable");
        assertDetailedReply(response, ErrorType.DESTINATION_IP_UNROUTABLE, "127.0.0.1:" + port, entry.errorDetail());
        assertThat(entry.status()).isEqualTo(502);
        assertThat(entry.errorDetail())
                .startsWith("no network route to 127.0.0.1:" + port + " (unreachable, or rejected by a firewall) (");
        assertThat(entry.attempts()).isEqualTo(1);
        assertThat(entry.upstreamStatus()).isNull();
        assertThat(entry.connectMs()).isNull();
        assertThat(entry.ttfbMs()).isNull();

        FailureReport report = awaitReport(proxy, entry.requestId());
        assertThat(report.cause()).extracting(Cause::phase, Cause::actor, Cause::signal)
                .containsExactly(Phase.CONNECT, Actor.NETWORK, Signal.UNREACHABLE);
        assertThat(report.limit()).isNull();
        assertThat(report.confirm()).isEqualTo(curlConnect(port));
        assertThat(report.attempts()).singleElement()
                .satisfies(a -> assertThat(a.error()).isEqualTo(ErrorType.DESTINATION_IP_UNROUTABLE));
        assertThat(report.trace()).contains("CONNECT_FAILED(UNREACHABLE)");
        // The OS error is evidence: it must say what the kernel reported, not a placeholder.
        assertThat(report.cause().error()).as("the OS error in the report").doesNotStartWith("null");
        assertThat(entry.errorDetail()).doesNotContain("(null");
    }
}
