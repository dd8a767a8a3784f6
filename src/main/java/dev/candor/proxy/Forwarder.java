package dev.candor.proxy;

import dev.candor.client.UpstreamConnection;
import dev.candor.failure.Actor;
import dev.candor.failure.Cause;
import dev.candor.failure.Phase;
import dev.candor.failure.Signal;
import dev.candor.observe.TraceEvent;
import dev.candor.upstream.DnsFailure;
import dev.candor.upstream.Endpoint;
import dev.candor.upstream.Upstream;
import io.netty.util.concurrent.Future;

import java.util.ArrayList;
import java.util.List;

/**
 * The attempt loop of one exchange, and every "try again?" decision in one place: pick an endpoint
 * (healthy, not ejected, not tried yet), start an {@link Attempt} on a pooled stream of the exchange's own
 * event loop, and when it fails ask {@link RetryPolicy} whether to send the request again — on a fresh
 * connection to the same endpoint after a stale keep-alive race, on another endpoint when the upstream's
 * {@code retries} and retry budget allow — or give the failure to the exchange to answer. Passive health
 * hears every attempt's outcome once.
 */
final class Forwarder {
    private final Exchange exchange;
    private final Upstream upstream;
    private final CharSequence hashKey;
    private final List<Attempt> attempts;
    private Attempt current;
    private int retries;

    Forwarder(Exchange exchange, Upstream upstream, CharSequence hashKey, List<Attempt> attempts) {
        this.exchange = exchange;
        this.upstream = upstream;
        this.hashKey = hashKey;
        this.attempts = attempts;
    }

    /** The attempt in progress (or the last one), or null before the first. */
    Attempt current() {
        return current;
    }

    /** Sends the request to the first endpoint the balancer picks. */
    void start() {
        Endpoint endpoint = upstream.select(triedEndpoints(), hashKey);
        if (endpoint == null) {
            exchange.failLocal(noEndpoint());
            return;
        }
        startAttempt(endpoint, false);
    }

    private Fault noEndpoint() {
        DnsFailure dns = upstream.dnsFailure();
        if (dns != null) {
            return new Fault(new Cause(Phase.RESOLVE, Actor.NETWORK, dns.signal(), dns.rcode()),
                    "upstream '" + upstream.name() + "' has no address to send to: " + dns.detail());
        }
        return new Fault(new Cause(Phase.SELECT, Actor.PROXY, Signal.NO_ENDPOINT, null),
                "no usable endpoint in upstream '" + upstream.name() + "': " + upstream.unavailableReasons());
    }

    private void startAttempt(Endpoint endpoint, boolean transparent) {
        Attempt a = new Attempt(exchange, attempts.size() + 1, endpoint, transparent, exchange.trace.elapsedNanos());
        attempts.add(a);
        current = a;
        exchange.trace.add(TraceEvent.ENDPOINT_PICKED, endpoint.label());
        Future<UpstreamConnection> f = exchange.context.pools().acquire(upstream, endpoint, exchange.downstream.eventLoop(), transparent);
        if (f.isDone()) {
            a.onAcquired(f);
            return;
        }
        // Waiting for a connection: bounded per upstream, so a slow upstream cannot pile up requests.
        int maxPending = upstream.config().pool().maxPending();
        if (upstream.pending().incrementAndGet() > maxPending && maxPending > 0) {
            upstream.pending().decrementAndGet();
            f.cancel(false);
            exchange.trace.add(TraceEvent.POOL_WAIT, "over_max_pending");
            a.fail(new Fault(new Cause(Phase.QUEUE, Actor.PROXY, Signal.POOL_FULL, "max_pending reached"),
                    "too many requests of upstream '" + upstream.name() + "' already wait for a connection",
                    maxPending + " waiting requests = pool.max_pending"));
            return;
        }
        exchange.trace.add(TraceEvent.POOL_WAIT);
        f.addListener(done -> {
            upstream.pending().decrementAndGet();
            a.onAcquired(f);
        });
    }

    /** An attempt ended before any response byte reached the client: retry if safe, else answer. */
    void attemptFailed(Attempt a, Fault fault) {
        exchange.attemptEnded();
        Cause cause = fault.cause();
        boolean bodyForwarded = exchange.relay.bodyForwarded();
        if (RetryPolicy.retryStale(cause, a.reused, exchange.request.method(), a.headWritten(), bodyForwarded,
                exchange.isResponseStarted(), exchange.log.transparentRetries)) {
            // The upstream closing an idle connection under us is no sign of ill health: not judged.
            exchange.log.transparentRetries++;
            exchange.context.countStaleRetry();
            exchange.trace.add(TraceEvent.RETRY, "stale_connection");
            startAttempt(a.endpoint, true);
            return;
        }
        judge(a, cause, false);
        if (RetryPolicy.retryElsewhere(cause, upstream.config().retries(), exchange.request.method(), bodyForwarded,
                exchange.isResponseStarted(), retries)) {
            String notRetried = retryOnAnotherEndpoint(cause.type().token());
            if (notRetried == null) {
                return;
            }
            if (upstream.endpoints().size() > 1) {
                fault = fault.explained(" (not retried: " + notRetried + ")"); // with one endpoint there is nothing to say
            }
        }
        if (a.reused && (cause.signal() == Signal.CLOSED || cause.signal() == Signal.RESET)) {
            fault = fault.explained(" (" + a.connectionHistory() + notRetriedBecause(bodyForwarded)
                    + (a.keepAliveNote == null ? "" : "; " + a.keepAliveNote) + ")");
        }
        exchange.failLocal(fault);
    }

    /**
     * The upstream answered 502, 503 or 504 and nothing reached the client yet: when {@code retries.on}
     * allows, another endpoint is asked instead and this answer is dropped.
     *
     * @return true when another attempt was started
     */
    boolean retryInsteadOf(Attempt a, int code) {
        Endpoint next;
        if (!RetryPolicy.retry5xx(upstream.config().retries(), exchange.request.method(),
                exchange.relay.bodyForwarded(), retries)
                || (next = upstream.select(triedEndpoints(), hashKey)) == null
                || !upstream.retryBudget().tryAcquireRetry()) {
            return false;
        }
        a.end(null, a.endpoint.label() + " answered " + code);
        a.discardStream();
        retries++;
        exchange.trace.add(TraceEvent.RETRY, "status_" + code);
        startAttempt(next, false);
        return true;
    }

    /**
     * Starts a configured retry when another endpoint can take it and the upstream's retry budget allows;
     * returns null then, else why it did not.
     */
    private String retryOnAnotherEndpoint(String why) {
        Endpoint next = upstream.select(triedEndpoints(), hashKey);
        if (next == null) {
            return "no other endpoint of upstream '" + upstream.name() + "' can take it";
        }
        if (!upstream.retryBudget().tryAcquireRetry()) {
            exchange.trace.add(TraceEvent.RETRY, "denied_by_budget");
            return "the retry budget (retries.budget_percent " + upstream.config().retries().budgetPercent() + ") is spent";
        }
        retries++;
        exchange.trace.add(TraceEvent.RETRY, why);
        startAttempt(next, false);
        return null;
    }

    /** Why a request that met a closed reused connection was not sent again, for the evidence. */
    private String notRetriedBecause(boolean bodyForwarded) {
        if (exchange.log.transparentRetries > 0) {
            return "; already retried once on a fresh connection";
        }
        if (!RetryPolicy.isIdempotent(exchange.request.method())) {
            return "; not retried: " + exchange.request.method().name() + " is not idempotent and may have been delivered";
        }
        if (bodyForwarded) {
            return "; not retried: the request body was already forwarded and is not kept";
        }
        return "";
    }

    private List<Endpoint> triedEndpoints() {
        if (attempts.isEmpty()) {
            return List.of();
        }
        List<Endpoint> tried = new ArrayList<>(attempts.size());
        for (Attempt a : attempts) {
            tried.add(a.endpoint);
        }
        return tried;
    }

    /** Feeds an attempt's outcome to passive health once: {@code null} cause = the upstream answered fine. */
    void judge(Attempt a, Cause cause, boolean upstream5xx) {
        if (a.judged) {
            return;
        }
        a.judged = true;
        if (upstream5xx) {
            upstream.outliers().failure(a.endpoint.health(), null, true);
        } else if (cause == null) {
            upstream.outliers().success(a.endpoint.health());
        } else if (cause.actor() != Actor.CLIENT) {
            a.endpoint.health().recordError(cause.type());
            upstream.outliers().failure(a.endpoint.health(), cause.type(), false);
        }
    }

    /** The exchange is over early (client gone, local reply, cut): the attempt in flight is dropped. */
    void abandon() {
        if (current != null) {
            current.abandon();
        }
    }
}
