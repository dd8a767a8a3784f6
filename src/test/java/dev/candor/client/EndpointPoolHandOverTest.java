package dev.candor.client;

import dev.candor.config.BalancerConfig;
import dev.candor.config.EndpointConfig;
import dev.candor.config.HostPort;
import dev.candor.config.OutlierConfig;
import dev.candor.config.PoolConfig;
import dev.candor.config.RetryConfig;
import dev.candor.config.TimeoutsConfig;
import dev.candor.config.UpstreamConfig;
import dev.candor.testing.Cleanup;
import dev.candor.testing.TestBackend;
import dev.candor.upstream.Endpoint;
import dev.candor.upstream.Upstream;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.Future;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * At {@code pool.max_connections} a request waiting on one event loop must get the slot the moment a
 * connection on another loop is given back or closed, however the two threads interleave (a waiter that
 * registered just after the other loop looked for waiters used to sit until its timeout). The waiter gives up
 * only after {@code timeouts.connect} (30 s here), so a lost hand-over shows as a wait of seconds.
 */
class EndpointPoolHandOverTest {

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    @Test
    void aConnectionGivenBackOrClosedOnOneLoopAlwaysFreesTheSlotForTheRequestWaitingOnAnother() throws Exception {
        TestBackend backend = cleanup.add(TestBackend.answering("ok"));
        Upstream upstream = upstream(backend.port());
        Endpoint endpoint = upstream.endpoints().get(0);
        MultiThreadIoEventLoopGroup group = Transport.nio().newEventLoopGroup(2, "pool-test");
        cleanup.add(() -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly());
        ConnectionPools pools = cleanup.add(new ConnectionPools(Transport.nio()));
        EventLoop a = group.next();
        EventLoop b = group.next();
        assertThat(a).isNotSameAs(b);

        EventLoop holder = a;
        UpstreamConnection held = acquireOn(pools, upstream, endpoint, holder).get(10, TimeUnit.SECONDS);
        for (int round = 0; round < 2000; round++) {
            EventLoop waiting = holder == a ? b : a;
            UpstreamConnection givenBack = held;
            // Given back to the pool (then closed there for the waiter) or closed by its exchange.
            boolean closeIt = round % 2 == 1;
            // The give-back and the new request race on two threads, both let go at the same instant.
            CountDownLatch go = new CountDownLatch(1);
            CompletableFuture<Future<UpstreamConnection>> next = new CompletableFuture<>();
            waiting.execute(() -> {
                awaitQuietly(go);
                next.complete(pools.acquire(upstream, endpoint, waiting, false));
            });
            holder.execute(() -> {
                awaitQuietly(go);
                if (closeIt) {
                    givenBack.discard();
                } else {
                    givenBack.release();
                }
            });
            go.countDown();

            Future<UpstreamConnection> acquired = next.get(10, TimeUnit.SECONDS);
            assertThat(acquired.await(10, TimeUnit.SECONDS)).as("round %d: the waiter gets the freed slot", round).isTrue();
            assertThat(acquired.isSuccess()).as("round %d: %s", round, acquired.cause()).isTrue();
            held = acquired.getNow();
            holder = waiting;
        }
        assertThat(pools.peakOpenConnections(endpoint)).isEqualTo(1);
        UpstreamConnection last = held;
        holder.execute(last::release);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Future<UpstreamConnection> acquireOn(ConnectionPools pools, Upstream upstream, Endpoint endpoint,
                                                        EventLoop loop) throws Exception {
        CompletableFuture<Future<UpstreamConnection>> f = new CompletableFuture<>();
        loop.execute(() -> f.complete(pools.acquire(upstream, endpoint, loop, false)));
        Future<UpstreamConnection> acquired = f.get(10, TimeUnit.SECONDS);
        acquired.await(10, TimeUnit.SECONDS);
        return acquired;
    }

    private static Upstream upstream(int port) {
        UpstreamConfig config = new UpstreamConfig("app",
                List.of(new EndpointConfig(HostPort.parse("127.0.0.1:" + port), 1)), BalancerConfig.ROUND_ROBIN,
                new TimeoutsConfig(Duration.ofSeconds(30), TimeoutsConfig.DEFAULTS.response(), TimeoutsConfig.DEFAULTS.idle()),
                new PoolConfig(1, Duration.ofSeconds(60)), null, OutlierConfig.DEFAULTS, RetryConfig.DEFAULTS,
                UpstreamConfig.AllUnhealthy.FAIL, dev.candor.config.UpstreamDnsConfig.DEFAULTS);
        return Upstream.of(config, new Random(1)::nextLong, System::nanoTime, java.time.Clock.systemUTC());
    }
}
