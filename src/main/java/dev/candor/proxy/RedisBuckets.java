package dev.candor.proxy;

import dev.candor.config.HostPort;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import dev.candor.event.Event;
import dev.candor.event.EventSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code rate_limit_store: redis://HOST:PORT}: the rate-limit buckets every Candor of a fleet shares, through
 * Bucket4j's compare-and-swap over Lettuce's asynchronous API, so no event loop ever waits for Redis. While
 * Redis cannot be reached, {@link #available()} is false and the routes count on their local buckets; the
 * outage is logged once when it starts and once when Redis is back, journaled as two events
 * ({@code rate_limit_store}: {@code unreachable}, then {@code back}), and shown in {@code /api/status}.
 */
public final class RedisBuckets implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisBuckets.class);
    /** A command Redis has not answered in this long counts as an outage: the request is decided locally. */
    private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);
    private static final long RECONNECT_MILLIS = 1000;
    /** Keys live this much longer than a bucket takes to fill up again, then Redis drops them. */
    private static final Duration KEY_SLACK = Duration.ofSeconds(10);

    private final HostPort address;
    private final ClientResources resources;
    private final RedisClient client;
    private final RedisURI uri;
    private final ScheduledExecutorService scheduler;
    private final EventSink events;
    private volatile StatefulRedisConnection<byte[], byte[]> connection;
    private volatile AsyncProxyManager<byte[]> buckets;
    private volatile boolean up;
    private volatile boolean closed;
    /** When the current outage began and why, for the status; null while Redis answers. */
    private volatile Instant downSince;
    private volatile String downReason;
    /** Whether the current outage was logged: once per outage, not once per request. */
    private volatile boolean outageLogged;

    private RedisBuckets(HostPort address, ScheduledExecutorService scheduler, EventSink events) {
        this.address = address;
        this.scheduler = scheduler;
        this.events = events;
        // Reconnect attempts back off to at most 2 s, so a Redis that is back is used again within seconds.
        this.resources = DefaultClientResources.builder().ioThreadPoolSize(1).computationThreadPoolSize(1)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
                .build();
        this.uri = RedisURI.builder().withHost(address.host()).withPort(address.port()).withTimeout(COMMAND_TIMEOUT).build();
        this.client = RedisClient.create(resources, uri);
        // Fail fast while disconnected (Lettuce keeps reconnecting by itself) instead of queueing commands.
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .build());
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress remote) {
                if (connection != null) {
                    markUp();
                }
            }

            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
                markDown("the connection to Redis closed");
            }
        });
    }

    /**
     * Starts connecting without waiting: requests count locally until Redis answers.
     *
     * @param scheduler where reconnection attempts are scheduled (an event-loop group; nothing blocks there)
     */
    public static RedisBuckets start(HostPort address, ScheduledExecutorService scheduler) {
        return start(address, scheduler, EventSink.NONE);
    }

    /** The same, telling {@code events} when an outage begins and ends. */
    public static RedisBuckets start(HostPort address, ScheduledExecutorService scheduler, EventSink events) {
        RedisBuckets store = new RedisBuckets(address, scheduler, events);
        store.downSince = Instant.now();
        store.downReason = "not connected yet";
        store.connect();
        return store;
    }

    private void connect() {
        if (closed) {
            return;
        }
        client.connectAsync(ByteArrayCodec.INSTANCE, uri)
                .whenComplete((c, e) -> {
                    if (e != null) {
                        markDown("cannot connect: " + rootMessage(e));
                        if (!closed) {
                            scheduler.schedule(this::connect, RECONNECT_MILLIS, TimeUnit.MILLISECONDS);
                        }
                        return;
                    }
                    connection = c;
                    buckets = Bucket4jLettuce.casBasedBuilder(c)
                            .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(KEY_SLACK))
                            .build().asAsync();
                    markUp();
                });
    }

    private String hostText() {
        return address.host().contains(":") ? "[" + address.host() + "]" : address.host();
    }

    /** Whether requests should ask Redis now. */
    boolean available() {
        return up;
    }

    /**
     * Takes one token from the shared bucket {@code key}; completes on a Lettuce thread, exceptionally when
     * Redis did not answer (then the caller decides locally, and the outage is noted).
     */
    CompletableFuture<ConsumptionProbe> tryConsume(String key, BucketConfiguration configuration) {
        AsyncProxyManager<byte[]> b = buckets;
        if (b == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("not connected"));
        }
        CompletableFuture<BucketConfiguration> config = CompletableFuture.completedFuture(configuration);
        return b.getProxy(("candor:rate_limit:" + key).getBytes(StandardCharsets.UTF_8), () -> config)
                .tryConsumeAndReturnRemaining(1)
                .whenComplete((p, e) -> {
                    if (e != null) {
                        markDown(rootMessage(e));
                    }
                });
    }

    private void markUp() {
        if (!up && !closed) {
            up = true;
            Instant since = downSince;
            downSince = null;
            downReason = null;
            if (outageLogged) {
                outageLogged = false;
                log.info("rate_limit_store redis://{}:{} is back: rate limits are shared again (local buckets"
                        + " were used since {})", hostText(), address.port(), since);
                Map<String, String> facts = facts("back");
                facts.put("down_since", since == null ? null : since.toString());
                facts.put("down_for_s", since == null ? null
                        : Long.toString(Duration.between(since, Instant.now()).toSeconds()));
                events.record(new Event(Instant.now(), Event.RATE_LIMIT_STORE, storeUrl(), "rate_limit_store "
                        + storeUrl() + " is back: rate limits are shared again", facts));
            } else {
                log.info("rate_limit_store redis://{}:{} connected: rate limits are shared", hostText(), address.port());
            }
        }
    }

    private void markDown(String reason) {
        boolean wasUp = up;
        up = false;
        if (downSince == null || wasUp) {
            downSince = Instant.now();
        }
        downReason = reason;
        if (!outageLogged && !closed) {
            // Said once per outage: every request of the outage would say the same.
            outageLogged = true;
            log.warn("rate_limit_store redis://{}:{} unreachable ({}): rate limits use each Candor's local buckets"
                    + " until it is back", hostText(), address.port(), reason);
            Map<String, String> facts = facts("unreachable");
            facts.put("reason", reason);
            facts.put("since", String.valueOf(downSince));
            events.record(new Event(Instant.now(), Event.RATE_LIMIT_STORE, storeUrl(), "rate_limit_store " + storeUrl()
                    + " unreachable (" + reason + "): rate limits use each Candor's local buckets", facts));
        }
    }

    private String storeUrl() {
        return "redis://" + hostText() + ":" + address.port();
    }

    private Map<String, String> facts(String state) {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("store", storeUrl());
        facts.put("state", state);
        return facts;
    }

    /** What /api/status shows. */
    public Status status() {
        return new Status("redis://" + hostText() + ":" + address.port(), up, downSince, downReason);
    }

    /** The store's state: {@code connected}, or since when and why it is not. */
    public record Status(String url, boolean connected, Instant downSince, String downReason) {
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    @Override
    public void close() {
        closed = true;
        up = false;
        StatefulRedisConnection<byte[], byte[]> c = connection;
        if (c != null) {
            c.closeAsync();
        }
        client.shutdownAsync(0, 1, TimeUnit.SECONDS).whenComplete((v, e) -> resources.shutdown(0, 1, TimeUnit.SECONDS));
    }
}
