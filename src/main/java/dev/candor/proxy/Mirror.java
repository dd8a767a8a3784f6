package dev.candor.proxy;

import dev.candor.config.RouteActionsConfig.MirrorConfig;
import dev.candor.observe.Metrics;
import dev.candor.upstream.Endpoint;
import dev.candor.upstream.Upstream;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A route's {@code mirror}: for the configured share of its requests, a copy of the request as it goes
 * upstream (rewrites and header rules applied) is sent to another upstream and its answer thrown away.
 * Copies are fire-and-forget on the request's own event loop: the client's exchange never waits for,
 * hears about or is changed by its copy. At most {@link #MAX_IN_FLIGHT} copies per route are in flight;
 * beyond that a copy is dropped rather than queued. Every copy's outcome is counted in
 * {@code candor_mirror_requests_total}; none is written to the access log. A request body is mirrored when
 * its {@code Content-Length} is at most {@link #MAX_BODY}: the copy takes each piece as it passes (sharing
 * the bytes, holding them only until its own connection took them); a larger or chunked body is not
 * mirrored, since holding it would mean buffering without bound.
 */
final class Mirror {
    /** Copies in flight per route (per config snapshot) beyond which new copies are dropped. */
    static final int MAX_IN_FLIGHT = 128;
    /** The largest request body a copy carries. */
    static final long MAX_BODY = 64 * 1024;

    private final String route;
    private final String upstream;
    private final double percent;
    private final AtomicInteger inFlight = new AtomicInteger();

    Mirror(String route, MirrorConfig config) {
        this.route = route;
        this.upstream = config.upstream();
        this.percent = config.percent();
    }

    /**
     * Sends a copy of {@code request} when this request falls within the mirrored share.
     *
     * @param hasBody the request has a body, which the caller hands to the copy piece by piece
     * @return the copy, or null when none is sent
     */
    MirrorCopy offer(ProxyContext context, EventLoop loop, HttpRequest request, String clientIp, boolean hasBody) {
        if (percent <= 0 || (percent < 100 && ThreadLocalRandom.current().nextDouble(100) >= percent)) {
            return null;
        }
        Metrics metrics = context.metrics();
        Upstream u = context.upstreams().get(upstream);
        if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
            inFlight.decrementAndGet();
            metrics.mirror(route, upstream, "dropped");
            return null;
        }
        Endpoint endpoint = u.select(List.of(), HashKeys.of(u.config().balancer(), request.headers(), clientIp));
        if (endpoint == null) {
            ended(metrics, "dropped");
            return null;
        }
        // A copy of the head: the client's request object belongs to its own exchange.
        HttpRequest copy = new DefaultHttpRequest(HttpVersion.HTTP_1_1, request.method(), request.uri(),
                request.headers().copy());
        MirrorCopy c = new MirrorCopy(this, context, u, endpoint, copy, loop, hasBody);
        c.start();
        return c;
    }

    /** One copy ended with {@code result}. */
    void ended(Metrics metrics, String result) {
        inFlight.decrementAndGet();
        metrics.mirror(route, upstream, result);
    }
}
