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
 * {@code candor_mirror_requests_total}; none is written to the access log. Only requests without a body
 * are mirrored: a body is streamed to the upstream, never kept, so there would be nothing to copy from.
 */
final class Mirror {
    /** Copies in flight per route (per config snapshot) beyond which new copies are dropped. */
    static final int MAX_IN_FLIGHT = 128;

    private final String route;
    private final String upstream;
    private final double percent;
    private final AtomicInteger inFlight = new AtomicInteger();

    Mirror(String route, MirrorConfig config) {
        this.route = route;
        this.upstream = config.upstream();
        this.percent = config.percent();
    }

    /** Sends a copy of {@code request} when this request falls within the mirrored share. */
    void offer(ProxyContext context, EventLoop loop, HttpRequest request, String clientIp) {
        if (percent <= 0 || (percent < 100 && ThreadLocalRandom.current().nextDouble(100) >= percent)) {
            return;
        }
        Metrics metrics = context.metrics();
        Upstream u = context.upstreams().get(upstream);
        if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
            inFlight.decrementAndGet();
            metrics.mirror(route, upstream, "dropped");
            return;
        }
        Endpoint endpoint = u.select(List.of(), HashKeys.of(u.config().balancer(), request.headers(), clientIp));
        if (endpoint == null) {
            ended(metrics, "dropped");
            return;
        }
        // A copy of the head: the client's request object belongs to its own exchange.
        HttpRequest copy = new DefaultHttpRequest(HttpVersion.HTTP_1_1, request.method(), request.uri(),
                request.headers().copy());
        new MirrorCopy(this, context, u, endpoint, copy, loop).start();
    }

    /** One copy ended with {@code result}. */
    void ended(Metrics metrics, String result) {
        inFlight.decrementAndGet();
        metrics.mirror(route, upstream, result);
    }
}
