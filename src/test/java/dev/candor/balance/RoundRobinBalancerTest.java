package dev.candor.balance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;

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

    static <T> List<T> picks(Balancer<T> balancer, int count) {
        List<T> picked = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            picked.add(balancer.pick());
        }
        return picked;
    }

    static <T> Map<T, Long> pickConcurrently(Balancer<T> balancer, int threads, int picksPerThread)
            throws InterruptedException {
        Map<T, LongAdder> counts = new ConcurrentHashMap<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                awaitQuietly(start);
                for (int i = 0; i < picksPerThread; i++) {
                    counts.computeIfAbsent(balancer.pick(), k -> new LongAdder()).increment();
                }
            });
            worker.start();
            workers.add(worker);
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join();
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
