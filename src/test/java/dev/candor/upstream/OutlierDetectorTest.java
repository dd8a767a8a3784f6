package dev.candor.upstream;

import dev.candor.config.OutlierConfig;
import dev.candor.failure.ErrorType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OutlierDetectorTest {
    private static final OutlierConfig FIVE_FAILURES =
            new OutlierConfig(5, false, Duration.ofSeconds(30), Duration.ofMinutes(5), 50);

    private final FakeTime time = new FakeTime();
    private final List<EndpointHealth> endpoints = new ArrayList<>();

    @Test
    void anEndpointIsEjectedWhenConsecutiveFailuresReachTheThreshold() {
        OutlierDetector detector = detector(FIVE_FAILURES, 2);
        EndpointHealth a = endpoints.get(0);

        fail(detector, a, 4);
        assertThat(a.state()).isEqualTo(EndpointState.HEALTHY);
        assertThat(a.consecutiveFailures()).isEqualTo(4);
        fail(detector, a, 1);

        assertThat(a.state()).isEqualTo(EndpointState.EJECTED);
        assertThat(a.usable()).isFalse();
        assertThat(a.consecutiveFailures()).isZero();
        assertThat(a.ejections()).isEqualTo(1);
        assertThat(a.ejectedUntil()).isEqualTo(time.now().plusSeconds(30));
        assertThat(a.why()).isEqualTo("ejected until 10:14:33Z after 5 consecutive failures (ejection 1, 30 s)");
    }

    @Test
    void aSuccessResetsTheRunOfFailures() {
        OutlierDetector detector = detector(FIVE_FAILURES, 2);
        EndpointHealth a = endpoints.get(0);

        fail(detector, a, 4);
        detector.success(a);
        fail(detector, a, 4);

        assertThat(a.state()).isEqualTo(EndpointState.HEALTHY);
        assertThat(a.consecutiveFailures()).isEqualTo(4);
    }

    @Test
    void anEjectionEndsByTime() {
        OutlierDetector detector = detector(FIVE_FAILURES, 2);
        EndpointHealth a = endpoints.get(0);
        fail(detector, a, 5);

        time.advance(Duration.ofSeconds(29));
        assertThat(a.state()).isEqualTo(EndpointState.EJECTED);
        time.advance(Duration.ofSeconds(1));

        assertThat(a.state()).isEqualTo(EndpointState.HEALTHY);
        assertThat(a.why()).isEqualTo("healthy");
    }

    @Test
    void failuresThatFinishWhileEjectedAreIgnored() {
        OutlierDetector detector = detector(FIVE_FAILURES, 2);
        EndpointHealth a = endpoints.get(0);
        fail(detector, a, 5);

        fail(detector, a, 7);

        assertThat(a.consecutiveFailures()).isZero();
        assertThat(a.ejections()).isEqualTo(1);
    }

    @Test
    void repeatedEjectionsDoubleUpToTheCap() {
        OutlierDetector detector = detector(FIVE_FAILURES, 2);
        EndpointHealth a = endpoints.get(0);
        List<Long> lengths = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            fail(detector, a, 5);
            long seconds = Duration.between(time.now(), a.ejectedUntil()).toSeconds();
            lengths.add(seconds);
            time.advance(Duration.ofSeconds(seconds));
        }

        assertThat(lengths).containsExactly(30L, 60L, 120L, 240L, 300L, 300L);
        assertThat(a.ejections()).isEqualTo(6);
    }

    @Test
    void whyTellsWhichEjectionAndHowLong() {
        OutlierDetector detector = detector(FIVE_FAILURES, 2);
        EndpointHealth a = endpoints.get(0);
        fail(detector, a, 5);
        time.advance(Duration.ofSeconds(30));
        fail(detector, a, 5);

        assertThat(a.why()).isEqualTo("ejected until 10:15:33Z after 5 consecutive failures (ejection 2, 60 s)");
    }

    @Test
    void theEjectionCountDecaysAfterTenBaseEjectionsWithoutTrouble() {
        OutlierDetector detector = detector(FIVE_FAILURES, 2);
        EndpointHealth a = endpoints.get(0);
        fail(detector, a, 5);
        time.advance(Duration.ofSeconds(30));
        fail(detector, a, 5);
        time.advance(Duration.ofSeconds(60));
        assertThat(a.ejections()).isEqualTo(2);

        time.advance(Duration.ofSeconds(299));
        assertThat(a.ejections()).isEqualTo(2);
        time.advance(Duration.ofSeconds(1));
        assertThat(a.ejections()).isZero();
        fail(detector, a, 5);

        assertThat(Duration.between(time.now(), a.ejectedUntil())).isEqualTo(Duration.ofSeconds(30));
        assertThat(a.ejections()).isEqualTo(1);
    }

    @Test
    void noMoreThanMaxEjectedPercentOfTheEndpointsAreEjectedAtOnce() {
        OutlierDetector detector = detector(FIVE_FAILURES, 4);

        fail(detector, endpoints.get(0), 5);
        fail(detector, endpoints.get(1), 5);
        fail(detector, endpoints.get(2), 5);

        assertThat(endpoints).extracting(EndpointHealth::state).containsExactly(
                EndpointState.EJECTED, EndpointState.EJECTED, EndpointState.HEALTHY, EndpointState.HEALTHY);
        assertThat(endpoints.get(2).consecutiveFailures()).isEqualTo(5);
    }

    @Test
    void anEndpointHeldBackByThePercentageIsEjectedOnceThereIsRoom() {
        OutlierDetector detector = detector(FIVE_FAILURES, 4);
        fail(detector, endpoints.get(0), 5);
        fail(detector, endpoints.get(1), 5);
        fail(detector, endpoints.get(2), 5);

        time.advance(Duration.ofSeconds(30));
        fail(detector, endpoints.get(2), 1);

        assertThat(endpoints.get(2).state()).isEqualTo(EndpointState.EJECTED);
    }

    @Test
    void aLoneEndpointIsNeverEjectedBelowOneHundredPercent() {
        OutlierDetector detector = detector(FIVE_FAILURES, 1);

        fail(detector, endpoints.get(0), 50);

        assertThat(endpoints.get(0).state()).isEqualTo(EndpointState.HEALTHY);
    }

    @Test
    void aLoneEndpointIsEjectedAtOneHundredPercent() {
        OutlierDetector detector = detector(
                new OutlierConfig(5, false, Duration.ofSeconds(30), Duration.ofMinutes(5), 100), 1);

        fail(detector, endpoints.get(0), 5);

        assertThat(endpoints.get(0).state()).isEqualTo(EndpointState.EJECTED);
    }

    @Test
    void upstream5xxCountsOnlyWhenConfigured() {
        OutlierDetector ignoring = detector(FIVE_FAILURES, 2);
        EndpointHealth a = endpoints.get(0);
        for (int i = 0; i < 10; i++) {
            ignoring.failure(a, null, true);
        }
        assertThat(a.state()).isEqualTo(EndpointState.HEALTHY);
        assertThat(a.consecutiveFailures()).isZero();

        OutlierDetector counting = detector(
                new OutlierConfig(5, true, Duration.ofSeconds(30), Duration.ofMinutes(5), 50), 2);
        EndpointHealth b = endpoints.get(2);
        for (int i = 0; i < 5; i++) {
            counting.failure(b, null, true);
        }
        assertThat(b.state()).isEqualTo(EndpointState.EJECTED);
    }

    @Test
    void clientFaultsRoutingOutcomesAndLocalLimitsNeverCount() {
        OutlierDetector detector = detector(FIVE_FAILURES, 2);
        EndpointHealth a = endpoints.get(0);
        for (ErrorType type : List.of(ErrorType.HTTP_REQUEST_ERROR, ErrorType.HTTP_REQUEST_DENIED,
                ErrorType.DESTINATION_NOT_FOUND, ErrorType.DESTINATION_UNAVAILABLE,
                ErrorType.CONNECTION_LIMIT_REACHED, ErrorType.PROXY_INTERNAL_ERROR)) {
            for (int i = 0; i < 10; i++) {
                detector.failure(a, type, false);
            }
        }

        assertThat(a.consecutiveFailures()).isZero();
        assertThat(a.state()).isEqualTo(EndpointState.HEALTHY);
    }

    @Test
    void connectFailuresTimeoutsCutConnectionsAndProtocolErrorsCount() {
        assertThat(List.of(ErrorType.CONNECTION_REFUSED, ErrorType.CONNECTION_TIMEOUT, ErrorType.DESTINATION_IP_UNROUTABLE,
                ErrorType.HTTP_RESPONSE_TIMEOUT, ErrorType.CONNECTION_READ_TIMEOUT, ErrorType.CONNECTION_TERMINATED,
                ErrorType.HTTP_RESPONSE_INCOMPLETE, ErrorType.HTTP_PROTOCOL_ERROR, ErrorType.TLS_PROTOCOL_ERROR))
                .allMatch(OutlierDetector::counts);
    }

    @Test
    void aDisabledDetectorDoesNothing() {
        OutlierDetector detector = detector(OutlierConfig.OFF, 1);
        EndpointHealth a = endpoints.get(0);

        fail(detector, a, 100);

        assertThat(a.consecutiveFailures()).isZero();
        assertThat(a.state()).isEqualTo(EndpointState.HEALTHY);
    }

    private OutlierDetector detector(OutlierConfig config, int size) {
        List<EndpointHealth> group = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            group.add(time.endpoint(null));
        }
        endpoints.addAll(group);
        return new OutlierDetector(config, group, time::nanos);
    }

    private static void fail(OutlierDetector detector, EndpointHealth endpoint, int times) {
        for (int i = 0; i < times; i++) {
            detector.failure(endpoint, ErrorType.CONNECTION_REFUSED, false);
        }
    }
}
