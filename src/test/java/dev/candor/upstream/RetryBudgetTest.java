package dev.candor.upstream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryBudgetTest {
    private final FakeTime time = new FakeTime();

    @Test
    void threeRetriesAreAllowedEvenWithoutTraffic() {
        RetryBudget budget = new RetryBudget(20, time::nanos);

        assertThat(acquire(budget, 5)).isEqualTo(3);
    }

    @Test
    void retriesAreCappedAtTheBudgetShareOfRequests() {
        RetryBudget budget = new RetryBudget(20, time::nanos);
        start(budget, 100);

        assertThat(acquire(budget, 50)).isEqualTo(20);
        assertThat(budget.retriesInWindow()).isEqualTo(20);
        assertThat(budget.requestsInWindow()).isEqualTo(100);
    }

    @Test
    void theFloorAppliesWhenTheShareIsSmaller() {
        RetryBudget budget = new RetryBudget(20, time::nanos);
        start(budget, 10);

        assertThat(acquire(budget, 10)).isEqualTo(3);
    }

    @Test
    void theWindowSpansThePreviousBucket() {
        RetryBudget budget = new RetryBudget(20, time::nanos);
        start(budget, 100);
        assertThat(acquire(budget, 15)).isEqualTo(15);

        time.advance(Duration.ofSeconds(5));

        assertThat(acquire(budget, 50)).isEqualTo(5);
    }

    @Test
    void retriesAndRequestsExpireWithTheWindow() {
        RetryBudget budget = new RetryBudget(20, time::nanos);
        start(budget, 100);
        acquire(budget, 20);

        time.advance(Duration.ofSeconds(10));

        assertThat(budget.requestsInWindow()).isZero();
        assertThat(budget.retriesInWindow()).isZero();
        assertThat(acquire(budget, 10)).isEqualTo(3);
    }

    @Test
    void aZeroBudgetNeverRetries() {
        RetryBudget budget = new RetryBudget(0, time::nanos);
        start(budget, 1000);

        assertThat(acquire(budget, 10)).isZero();
    }

    @Test
    void aNegativeBudgetIsRejected() {
        assertThatThrownBy(() -> new RetryBudget(-1, time::nanos)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void concurrentRetriesNeverExceedTheBudget() throws InterruptedException {
        RetryBudget budget = new RetryBudget(10, time::nanos);
        start(budget, 1000);
        AtomicInteger granted = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Thread worker = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                granted.addAndGet(acquire(budget, 1000));
            });
            worker.start();
            workers.add(worker);
        }
        go.countDown();
        for (Thread worker : workers) {
            worker.join(10_000);
            assertThat(worker.isAlive()).isFalse();
        }

        assertThat(granted).hasValue(100);
    }

    private static void start(RetryBudget budget, int requests) {
        for (int i = 0; i < requests; i++) {
            budget.requestStarted();
        }
    }

    private static int acquire(RetryBudget budget, int tries) {
        int granted = 0;
        for (int i = 0; i < tries; i++) {
            if (budget.tryAcquireRetry()) {
                granted++;
            }
        }
        return granted;
    }
}
