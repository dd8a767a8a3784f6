package dev.candor.upstream;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The life of one name's answer: changes, departures, staleness within TTL + stale_for, then nothing. */
class DnsSourceTest {
    static final Instant T0 = FakeTime.START;
    static final Duration STALE_FOR = Duration.ofMinutes(5);

    static DnsAnswer answer(Instant at, long ttl, String... ips) {
        List<DnsTarget> targets = new ArrayList<>();
        for (String ip : ips) {
            try {
                targets.add(new DnsTarget("api.test", InetAddress.getByName(ip), 8080, 1, 0));
            } catch (UnknownHostException e) {
                throw new AssertionError(e);
            }
        }
        return new DnsAnswer("api.test", targets, at, ttl, "127.0.0.1:53");
    }

    static DnsFailure servfail(Instant at) {
        return new DnsFailure("api.test", false, "SERVFAIL", "127.0.0.1:53", "SERVFAIL", at);
    }

    static InetSocketAddress at(String ip) {
        return new InetSocketAddress(ip, 8080);
    }

    @Test
    void anAnswerThatChangesRemembersWhenEachAddressLeft() {
        DnsSource s = DnsSource.address("api.test", 8080, 1);

        assertThat(s.answered(answer(T0, 30, "10.0.0.1", "10.0.0.2"))).isTrue();
        assertThat(s.answered(answer(T0.plusSeconds(30), 30, "10.0.0.2", "10.0.0.1"))).as("same set, other order").isFalse();
        assertThat(s.answered(answer(T0.plusSeconds(60), 30, "10.0.0.2", "10.0.0.3"))).isTrue();

        assertThat(s.departedAt(at("10.0.0.1"))).isEqualTo(T0.plusSeconds(60));
        assertThat(s.departedAt(at("10.0.0.2"))).isNull();
        assertThat(s.inAnswer(at("10.0.0.3"))).isTrue();
        assertThat(s.inAnswer(at("10.0.0.1"))).isFalse();

        s.answered(answer(T0.plusSeconds(90), 30, "10.0.0.1"));
        assertThat(s.departedAt(at("10.0.0.1"))).as("back in the answer").isNull();
    }

    @Test
    void aFailureWithinTheTtlChangesNothingAndIsNotStale() {
        DnsSource s = DnsSource.address("api.test", 8080, 1);
        s.answered(answer(T0, 30, "10.0.0.1"));

        assertThat(s.failed(servfail(T0.plusSeconds(10)), T0.plusSeconds(10), STALE_FOR)).isFalse();

        assertThat(s.isStale()).isFalse();
        assertThat(s.targets()).hasSize(1);
        assertThat(s.failure().rcode()).isEqualTo("SERVFAIL");
        assertThat(s.failingSince()).isEqualTo(T0.plusSeconds(10));
    }

    @Test
    void pastItsTtlTheLastGoodAnswerServesStaleThenIsDroppedAfterStaleFor() {
        DnsSource s = DnsSource.address("api.test", 8080, 1);
        s.answered(answer(T0, 30, "10.0.0.1"));

        Instant justExpired = T0.plusSeconds(31);
        assertThat(s.failed(servfail(justExpired), justExpired, STALE_FOR)).isFalse();
        assertThat(s.isStale()).isTrue();
        assertThat(s.targets()).hasSize(1);

        Instant lastStaleMoment = T0.plusSeconds(30).plus(STALE_FOR).minusMillis(1);
        assertThat(s.failed(servfail(lastStaleMoment), lastStaleMoment, STALE_FOR)).isFalse();
        assertThat(s.failingSince()).as("since the first failure").isEqualTo(justExpired);

        Instant over = T0.plusSeconds(30).plus(STALE_FOR);
        assertThat(s.failed(servfail(over), over, STALE_FOR)).isTrue();
        assertThat(s.targets()).isEmpty();
        assertThat(s.isStale()).isFalse();
        assertThat(s.departedAt(at("10.0.0.1"))).isEqualTo(over);
        assertThat(s.answer()).as("still known, for the evidence").isNotNull();

        assertThat(s.answered(answer(over.plusSeconds(5), 30, "10.0.0.1"))).isTrue();
        assertThat(s.failure()).isNull();
        assertThat(s.failingSince()).isNull();
    }

    @Test
    void withoutStaleForAnExpiredAnswerIsDroppedAtTheFirstFailure() {
        DnsSource s = DnsSource.address("api.test", 8080, 1);
        s.answered(answer(T0, 1, "10.0.0.1"));

        assertThat(s.failed(servfail(T0.plusSeconds(2)), T0.plusSeconds(2), Duration.ZERO)).isTrue();
        assertThat(s.targets()).isEmpty();
    }

    @Test
    void aNameThatNeverResolvedHasNoTargetsAndItsFailure() {
        DnsSource s = DnsSource.address("api.test", 8080, 1);

        assertThat(s.failed(servfail(T0), T0, STALE_FOR)).isFalse();
        assertThat(s.targets()).isEmpty();
        assertThat(s.answer()).isNull();
        assertThat(s.describe()).isEqualTo("api.test:8080");
        assertThat(DnsSource.srv("_http._tcp.api.test").describe()).isEqualTo("SRV _http._tcp.api.test");
    }
}
