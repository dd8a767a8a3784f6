package dev.candor.observe;

import dev.candor.failure.ErrorType;
import dev.candor.failure.FailureReport;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RecentFailuresTest {

    private static FailureReport report(String requestId) {
        return new FailureReport(requestId, Instant.EPOCH, 502, ErrorType.CONNECTION_REFUSED, null, "GET", "h", "/",
                "api", "api", "10.0.0.11:8080", "refused", null, null, List.of(), "");
    }

    private static List<String> ids(List<FailureReport> reports) {
        return reports.stream().map(FailureReport::requestId).toList();
    }

    @Test
    void theLatestReportsComeNewestFirst() {
        RecentFailures recent = new RecentFailures(10);
        recent.add(report("a"));
        recent.add(report("b"));
        recent.add(report("c"));

        assertThat(ids(recent.latest(10))).containsExactly("c", "b", "a");
        assertThat(ids(recent.latest(2))).containsExactly("c", "b");
        assertThat(recent.latest(0)).isEmpty();
    }

    @Test
    void anEmptyRingHasNothing() {
        RecentFailures recent = new RecentFailures(4);

        assertThat(recent.latest(10)).isEmpty();
        assertThat(recent.total()).isZero();
        assertThat(recent.find("a")).isNull();
    }

    @Test
    void theRingKeepsOnlyItsCapacityAndCountsEveryReport() {
        RecentFailures recent = new RecentFailures(3);
        for (int i = 1; i <= 5; i++) {
            recent.add(report("r" + i));
        }

        assertThat(ids(recent.latest(100))).containsExactly("r5", "r4", "r3");
        assertThat(recent.total()).isEqualTo(5);
    }

    @Test
    void aCapacityBelowOneIsRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> new RecentFailures(0)).withMessageContaining("capacity");
    }

    @Test
    void findGivesTheNewestReportForARequestIdWhileItIsStillInTheRing() {
        RecentFailures recent = new RecentFailures(3);
        FailureReport first = report("x");
        FailureReport second = report("x");
        recent.add(first);
        recent.add(report("y"));
        recent.add(second);

        assertThat(recent.find("x")).isSameAs(second);
        assertThat(recent.find("y")).isNotNull();
        assertThat(recent.find("z")).isNull();

        recent.add(report("p"));
        recent.add(report("q"));
        assertThat(recent.find("y")).isNull();
    }

    @Test
    void concurrentWritersNeverBreakTheRingsInvariants() throws Exception {
        int capacity = 16;
        int writers = 4;
        int perWriter = 5_000;
        RecentFailures recent = new RecentFailures(capacity);
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
        try {
            List<Future<?>> writes = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                String prefix = "w" + w + "-";
                writes.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perWriter; i++) {
                        recent.add(report(prefix + i));
                    }
                    return null;
                }));
            }
            Future<Integer> reads = pool.submit(() -> {
                start.await();
                int checks = 0;
                do { // at least once, even when a loaded machine runs the writers to the end first
                    List<FailureReport> seen = recent.latest(capacity * 2);
                    assertThat(seen).hasSizeLessThanOrEqualTo(capacity).doesNotContainNull();
                    assertThat(new HashSet<>(seen)).hasSameSizeAs(seen);
                    checks++;
                } while (writing.get());
                return checks;
            });

            start.countDown();
            for (Future<?> write : writes) {
                write.get(30, TimeUnit.SECONDS);
            }
            writing.set(false);
            assertThat(reads.get(30, TimeUnit.SECONDS)).isPositive();
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }

        List<FailureReport> latest = recent.latest(1_000);
        assertThat(recent.total()).isEqualTo((long) writers * perWriter);
        assertThat(latest).hasSize(capacity).doesNotContainNull();
        assertThat(new HashSet<>(ids(latest))).hasSize(capacity);
        assertThat(recent.find(latest.get(0).requestId())).isSameAs(latest.get(0));
    }
}
