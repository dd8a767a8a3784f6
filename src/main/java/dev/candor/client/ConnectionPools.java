package dev.candor.client;

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
    private final ConcurrentHashMap<Endpoint, EndpointPool> pools = new ConcurrentHashMap<>();

    public ConnectionPools(Transport transport) {
        this.transport = requireNonNull(transport, "transport");
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
                    e, upstream.config().pool(), upstream.config().timeouts(), transport, initializer));
        }
        return pool.acquire(loop, fresh);
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

    /** Forgets the endpoint's pool (its upstream is gone): idle connections close now, busy ones when given back. */
    public void retire(Endpoint endpoint) {
        EndpointPool pool = pools.remove(endpoint);
        if (pool != null) {
            pool.close();
        }
    }

    @Override
    public void close() {
        pools.values().forEach(EndpointPool::close);
    }
}
