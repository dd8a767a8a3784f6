package dev.candor.upstream;

import dev.candor.failure.ErrorType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RequestAccountingTest {
    private final FakeTime time = new FakeTime();

    @Test
    void inFlightCountsAttemptsStartedAndNotYetFinished() {
        EndpointHealth health = time.endpoint(null);

        health.requestStarted();
        health.requestStarted();
        health.requestFinished();

        assertThat(health.inFlight()).isEqualTo(1);
        assertThat(health.requests()).isEqualTo(2);
    }

    @Test
    void inFlightStaysExactWhenManyThreadsStartAndFinish() throws InterruptedException {
        EndpointHealth health = time.endpoint(null);
        int threads = 8;
        int perThread = 20_000;
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch halfway = new CountDownLatch(threads);
        CountDownLatch finish = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                await(start);
                for (int i = 0; i < perThread; i++) {
                    health.requestStarted();
                }
                halfway.countDown();
                await(finish);
                for (int i = 0; i < perThread; i++) {
                    health.requestFinished();
                }
            });
            worker.start();
            workers.add(worker);
        }
        start.countDown();
        assertThat(halfway.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(health.inFlight()).isEqualTo(threads * perThread);
        finish.countDown();
        for (Thread worker : workers) {
            worker.join(10_000);
            assertThat(worker.isAlive()).isFalse();
        }

        assertThat(health.inFlight()).isZero();
        assertThat(health.requests()).isEqualTo((long) threads * perThread);
    }

    @Test
    void errorsAreCountedByType() {
        EndpointHealth health = time.endpoint(null);

        health.recordError(ErrorType.CONNECTION_REFUSED);
        health.recordError(ErrorType.CONNECTION_REFUSED);
        health.recordError(ErrorType.HTTP_RESPONSE_TIMEOUT);

        assertThat(health.errors(ErrorType.CONNECTION_REFUSED)).isEqualTo(2);
        assertThat(health.errors(ErrorType.DNS_ERROR)).isZero();
        assertThat(health.errorCounts()).containsExactly(
                Map.entry(ErrorType.CONNECTION_REFUSED, 2L), Map.entry(ErrorType.HTTP_RESPONSE_TIMEOUT, 1L));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
