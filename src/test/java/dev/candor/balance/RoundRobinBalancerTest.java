package dev.candor.balance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RoundRobinBalancerTest {

    @Test
    void picksEachCandidateInTurn() {
        Balancer<String> balancer = Balancers.roundRobin(List.of("a", "b", "c"));

        assertThat(picks(balancer, 7)).containsExactly("a", "b", "c", "a", "b", "c", "a");
    }

    @Test
    void aSingleCandidateIsAlwaysPicked() {
        Balancer<String> balancer = Balancers.roundRobin(List.of("only"));

        assertThat(picks(balancer, 5)).containsOnly("only");
    }

    @Test
    void anEmptyBalancerPicksNull() {
        Balancer<String> balancer = Balancers.roundRobin(List.of());

        assertThat(balancer.pick()).isNull();
        assertThat(balancer.candidates()).isEmpty();
    }

    @Test
    void candidatesAreACopyThatCannotChange() {
        List<String> items = new ArrayList<>(List.of("a", "b"));
        Balancer<String> balancer = Balancers.roundRobin(items);
        items.add("c");

        assertThat(balancer.candidates()).containsExactly("a", "b");
        assertThatThrownBy(() -> balancer.candidates().add("d")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(picks(balancer, 4)).containsExactly("a", "b", "a", "b");
    }

    @Test
    void nullCandidatesAreRejected() {
        List<String> withNull = new ArrayList<>();
        withNull.add(null);

        assertThatThrownBy(() -> Balancers.roundRobin(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Balancers.roundRobin(withNull)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void concurrentPicksStayExactlyBalanced() throws InterruptedException {
        Balancer<String> balancer = Balancers.roundRobin(List.of("a", "b", "c"));
        Map<String, Long> counts = pickConcurrently(balancer, 4, 30_000);

        assertThat(counts).containsOnly(Map.entry("a", 40_000L), Map.entry("b", 40_000L), Map.entry("c", 40_000L));
    }

    @Test
    void anUnusableCandidateIsSkippedAndTheOthersGetExactlyHalfEach() {
        Balancer<String> balancer = Balancers.roundRobin(List.of("a", "b", "c"));
        Selection<String> withoutB = FakeSelection.<String>all().without("b");

        assertThat(picks(balancer, withoutB, 6)).containsExactly("a", "c", "a", "c", "a", "c");
        assertThat(WeightedRoundRobinBalancerTest.counts(picks(balancer, withoutB, 1000)))
                .containsOnly(Map.entry("a", 500L), Map.entry("c", 500L));
    }

    @Test
    void withEveryCandidateUsableTheTurnsAreThoseOfPlainPick() {
        Balancer<String> balancer = Balancers.roundRobin(List.of("a", "b", "c"));

        assertThat(picks(balancer, FakeSelection.all(), 4)).containsExactly("a", "b", "c", "a");
        assertThat(picks(balancer, 2)).containsExactly("b", "c");
    }

    @Test
    void aCandidateThatBecomesUsableAgainRejoinsTheTurns() {
        Balancer<String> balancer = Balancers.roundRobin(List.of("a", "b", "c"));

        assertThat(picks(balancer, FakeSelection.<String>all().without("a"), 3)).containsExactly("b", "c", "b");
        assertThat(picks(balancer, FakeSelection.all(), 4)).containsExactly("c", "a", "b", "c");
    }

    @Test
    void nothingUsablePicksNull() {
        Balancer<String> balancer = Balancers.roundRobin(List.of("a", "b"));

        assertThat(balancer.pick(FakeSelection.<String>all().without("a", "b"))).isNull();
        assertThat(Balancers.<String>roundRobin(List.of()).pick(FakeSelection.all())).isNull();
    }

    @Test
    void concurrentPicksWithAnUnusableCandidateStayExactlyBalanced() throws InterruptedException {
        Balancer<String> balancer = Balancers.roundRobin(List.of("a", "b", "c"));
        Map<String, Long> counts = pickConcurrently(balancer, FakeSelection.<String>all().without("b"), 4, 10_000);

        assertThat(counts).containsOnly(Map.entry("a", 20_000L), Map.entry("c", 20_000L));
    }

    static <T> List<T> picks(Balancer<T> balancer, int count) {
        List<T> picked = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            picked.add(balancer.pick());
        }
        return picked;
    }

    static <T> List<T> picks(Balancer<T> balancer, Selection<T> selection, int count) {
        List<T> picked = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            picked.add(balancer.pick(selection));
        }
        return picked;
    }

    static <T> Map<T, Long> pickConcurrently(Balancer<T> balancer, int threads, int picksPerThread)
            throws InterruptedException {
        return pickConcurrently(balancer::pick, threads, picksPerThread);
    }

    static <T> Map<T, Long> pickConcurrently(Balancer<T> balancer, Selection<T> selection, int threads, int picksPerThread)
            throws InterruptedException {
        return pickConcurrently(() -> balancer.pick(selection), threads, picksPerThread);
    }

    /** Counts the picks of {@code threads} threads started at once; every pick must find a candidate. */
    private static <T> Map<T, Long> pickConcurrently(Supplier<T> pick, int threads, int picksPerThread)
            throws InterruptedException {
        Map<T, LongAdder> counts = new ConcurrentHashMap<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                awaitQuietly(start);
                for (int i = 0; i < picksPerThread; i++) {
                    counts.computeIfAbsent(pick.get(), k -> new LongAdder()).increment();
                }
            });
            worker.start();
            workers.add(worker);
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join(Duration.ofSeconds(30).toMillis());
            assertThat(worker.isAlive()).as("a picking thread still runs").isFalse();
        }
        Map<T, Long> result = new ConcurrentHashMap<>();
        counts.forEach((k, v) -> result.put(k, v.sum()));
        return result;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
