package dev.candor.client;

import dev.candor.event.EventSink;
import dev.candor.upstream.Endpoint;
import dev.candor.upstream.Upstream;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;

import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/** Every upstream connection pool of the process, one per endpoint, each split by event loop. */
public final class ConnectionPools implements AutoCloseable {
    private final Transport transport;
    private final UpstreamChannelInitializer initializer = new UpstreamChannelInitializer();
    private final UpstreamTlsContexts tls;
    private final ConcurrentHashMap<Endpoint, EndpointPool> pools = new ConcurrentHashMap<>();
    private final EventSink events;

    public ConnectionPools(Transport transport) {
        this(transport, UpstreamTlsContexts.NONE);
    }

    public ConnectionPools(Transport transport, UpstreamTlsContexts tls) {
        this(transport, tls, EventSink.NONE);
    }

    /** The same, telling {@code events} what the pools learn (an endpoint's shorter keep-alive timeout). */
    public ConnectionPools(Transport transport, UpstreamTlsContexts tls, EventSink events) {
        this.transport = requireNonNull(transport, "transport");
        this.tls = requireNonNull(tls, "tls");
        this.events = requireNonNull(events, "events");
    }

    /**
     * Lends a connection to {@code endpoint} that lives on {@code loop}. The future fails with the
     * connect error, or {@link PoolExhaustedException} when the pool stayed full. {@code fresh} asks for
     * a new connection rather than an idle one.
     */
    public Future<UpstreamConnection> acquire(Upstream upstream, Endpoint endpoint, EventLoop loop, boolean fresh) {
        EndpointPool pool = pools.get(endpoint);
        if (pool == null) {
            pool = pools.computeIfAbsent(endpoint, e -> new EndpointPool(
                    e, upstream.config().pool(), upstream.config().timeouts(), transport, initializer(upstream, e), events));
        }
        Future<UpstreamConnection> connection = pool.acquire(loop, fresh);
        if (endpoint.isRetired() && pools.remove(endpoint, pool)) {
            // Picked just before DNS removed it: this request goes ahead, then the pool closes behind it.
            pool.close();
        }
        return connection;
    }

    /**
     * Closes the pools of endpoints that DNS removed, or whose upstream a reload removed: idle
     * connections now, busy ones when their request ends.
     */
    public void retire(Iterable<Endpoint> removed) {
        for (Endpoint e : removed) {
            EndpointPool pool = pools.remove(e);
            if (pool != null) {
                pool.close();
            }
        }
    }

    /** The shared plain-HTTP initializer, or one that adds TLS to {@code endpoint}. */
    private UpstreamChannelInitializer initializer(Upstream upstream, Endpoint endpoint) {
        UpstreamTls t = tls.forUpstream(upstream.name());
        return t == null ? initializer
                : new UpstreamChannelInitializer(t, endpoint, upstream.config().timeouts().connect().toMillis());
    }

    /** Open connections (busy and idle) to the endpoint. */
    public int openConnections(Endpoint endpoint) {
        EndpointPool pool = pools.get(endpoint);
        return pool == null ? 0 : pool.openConnections();
    }

    /** The most connections (busy, idle or connecting) that were ever open to the endpoint at once. */
    public int peakOpenConnections(Endpoint endpoint) {
        EndpointPool pool = pools.get(endpoint);
        return pool == null ? 0 : pool.peakOpenConnections();
    }

    /** Idle pooled connections to the endpoint. */
    public int idleConnections(Endpoint endpoint) {
        EndpointPool pool = pools.get(endpoint);
        return pool == null ? 0 : pool.idleConnections();
    }

    /**
     * Closes the idle connections to the endpoint; busy ones finish their requests and stay pooled.
     *
     * @return how many were idle when asked
     */
    public int flushIdle(Endpoint endpoint) {
        EndpointPool pool = pools.get(endpoint);
        if (pool == null) {
            return 0;
        }
        int idle = pool.idleConnections();
        pool.closeIdle();
        return idle;
    }

    @Override
    public void close() {
        pools.values().forEach(EndpointPool::close);
    }
}
