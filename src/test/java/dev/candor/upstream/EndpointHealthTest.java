package dev.candor.upstream;

import dev.candor.config.HealthCheckConfig;
import dev.candor.failure.ErrorType;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EndpointHealthTest {
    private final FakeTime time = new FakeTime();
    private final HealthCheckConfig check = HealthCheckConfig.http("/healthz"); // 2 to recover, 3 to fail

    @Test
    void anEndpointStartsHealthyAndUsable() {
        EndpointHealth health = time.endpoint(check);

        assertThat(health.state()).isEqualTo(EndpointState.HEALTHY);
        assertThat(health.usable()).isTrue();
        assertThat(health.why()).isEqualTo("healthy");
        assertThat(health.lastProbe()).isNull();
        assertThat(health.since()).isEqualTo(FakeTime.START);
    }

    @Test
    void unhealthyThresholdFailedProbesInARowMakeItUnhealthy() {
        EndpointHealth health = time.endpoint(check);

        assertThat(health.probe(refused())).isFalse();
        assertThat(health.probe(refused())).isFalse();
        assertThat(health.state()).isEqualTo(EndpointState.HEALTHY);
        assertThat(health.probe(refused())).isTrue();

        assertThat(health.state()).isEqualTo(EndpointState.UNHEALTHY);
        assertThat(health.usable()).isFalse();
        assertThat(health.unhealthyError()).isEqualTo(ErrorType.CONNECTION_REFUSED);
        assertThat(health.probesSinceChange()).isEqualTo(1);
    }

    @Test
    void aPassingProbeBreaksTheRunOfFailures() {
        EndpointHealth health = time.endpoint(check);

        health.probe(refused());
        health.probe(refused());
        health.probe(passed());
        health.probe(refused());
        health.probe(refused());

        assertThat(health.state()).isEqualTo(EndpointState.HEALTHY);
    }

    @Test
    void healthyThresholdPassingProbesInARowBringItBack() {
        EndpointHealth health = unhealthy();

        assertThat(health.probe(passed())).isFalse();
        assertThat(health.probe(refused())).isFalse();
        assertThat(health.probe(passed())).isFalse();
        assertThat(health.state()).isEqualTo(EndpointState.UNHEALTHY);
        time.advance(Duration.ofSeconds(5));
        assertThat(health.probe(passed())).isTrue();

        assertThat(health.state()).isEqualTo(EndpointState.HEALTHY);
        assertThat(health.unhealthyError()).isNull();
        assertThat(health.since()).isEqualTo(time.now());
        assertThat(health.lastProbe().ok()).isTrue();
    }

    @Test
    void whyNamesTheErrorTheTimeItBecameUnhealthyAndTheProbesSince() {
        time.advance(Duration.ofMillis(400));
        EndpointHealth health = unhealthy();
        for (int i = 0; i < 11; i++) {
            time.advance(Duration.ofSeconds(5));
            health.probe(ProbeRecord.failed(time.now(), ErrorType.CONNECTION_TIMEOUT, null, 0));
        }

        assertThat(health.why()).isEqualTo("unhealthy: connection_refused since 2026-11-21T10:14:03Z (12 probes)");
        assertThat(health.lastProbe().error()).isEqualTo(ErrorType.CONNECTION_TIMEOUT);
    }

    @Test
    void whyUsesTheDetailWhenAProbeFailedOnItsStatus() {
        EndpointHealth health = time.endpoint(check);
        for (int i = 0; i < 3; i++) {
            health.probe(ProbeRecord.failed(time.now(), null, "status 503", 1_000));
        }

        assertThat(health.why()).isEqualTo("unhealthy: status 503 since 2026-11-21T10:14:03Z (1 probe)");
        assertThat(health.unhealthyError()).isNull();
    }

    @Test
    void withoutActiveChecksProbesAreRecordedButChangeNothing() {
        EndpointHealth health = time.endpoint(null);
        for (int i = 0; i < 10; i++) {
            health.probe(refused());
        }

        assertThat(health.state()).isEqualTo(EndpointState.HEALTHY);
        assertThat(health.lastProbe().error()).isEqualTo(ErrorType.CONNECTION_REFUSED);
    }

    @Test
    void drainingOverridesUnhealthyAndEjected() {
        EndpointHealth health = unhealthy();
        health.eject(time.nanos(), Duration.ofSeconds(30), 1, Long.MAX_VALUE);
        health.drain(true);

        assertThat(health.state()).isEqualTo(EndpointState.DRAINING);
        assertThat(health.why()).isEqualTo("draining");
        assertThat(health.isDraining()).isTrue();
        assertThat(health.usable()).isFalse();

        health.drain(false);
        assertThat(health.state()).isEqualTo(EndpointState.EJECTED);
    }

    @Test
    void anEjectionOutranksTheActiveVerdictAndEndsByTime() {
        EndpointHealth health = unhealthy();
        health.eject(time.nanos(), Duration.ofSeconds(30), 1, Long.MAX_VALUE);

        assertThat(health.state()).isEqualTo(EndpointState.EJECTED);
        assertThat(health.ejectedUntil()).isEqualTo(FakeTime.START.plusSeconds(30));
        time.advance(Duration.ofSeconds(30));

        assertThat(health.state()).isEqualTo(EndpointState.UNHEALTHY);
        assertThat(health.ejectedUntil()).isNull();
    }

    @Test
    void statesHaveLowerCaseTokens() {
        assertThat(EndpointState.HEALTHY.token()).isEqualTo("healthy");
        assertThat(EndpointState.EJECTED.token()).isEqualTo("ejected");
        assertThat(EndpointState.DRAINING.token()).isEqualTo("draining");
        assertThat(EndpointState.UNHEALTHY.token()).isEqualTo("unhealthy");
    }

    private EndpointHealth unhealthy() {
        EndpointHealth health = time.endpoint(check);
        for (int i = 0; i < 3; i++) {
            health.probe(refused());
        }
        assertThat(health.state()).isEqualTo(EndpointState.UNHEALTHY);
        return health;
    }

    private ProbeRecord refused() {
        return ProbeRecord.failed(time.now(), ErrorType.CONNECTION_REFUSED, "connect: Connection refused", 200_000);
    }

    private ProbeRecord passed() {
        return ProbeRecord.passed(time.now(), 1_000_000);
    }
}
