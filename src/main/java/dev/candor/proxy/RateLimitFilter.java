package dev.candor.proxy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.candor.config.RateLimitConfig;
import dev.candor.failure.Actor;
import dev.candor.failure.Cause;
import dev.candor.failure.Phase;
import dev.candor.failure.Signal;
import dev.candor.observe.Metrics;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * A route's {@code rate_limit}: one Bucket4j token bucket per key (the client's address, or a header's
 * value), each request takes a token or gets 429 {@code http_request_denied} with {@code Retry-After}.
 * Buckets are lock-free and live in a Caffeine map bounded in size, where a bucket idle long enough to
 * have refilled completely expires (a fresh one is the same bucket). Nothing here blocks.
 */
final class RateLimitFilter implements ProxyFilter {
    private static final Cause LIMITED = new Cause(Phase.CLIENT_REQUEST, Actor.PROXY, Signal.DENIED, null);
    /** At most this much key weight per route (a key weighs 1 per started 64 characters). */
    static final long MAX_KEY_WEIGHT = 100_000;

    private final String route;
    private final String path;
    private final RateLimitConfig config;
    private final Bandwidth bandwidth;
    private final Cache<String, Bucket> buckets;
    private final Metrics.RateLimitSeries counters;
    private final String limitText;
    /** The fleet's shared buckets, or null when they are local only. */
    private final RedisBuckets shared;
    private final BucketConfiguration sharedConfig;

    /**
     * {@code path} is where the limit is written, e.g. {@code routes[0].rate_limit}; {@code shared} is the
     * {@code rate_limit_store}, or null for local buckets only.
     */
    RateLimitFilter(String route, String path, RateLimitConfig config, Metrics metrics, RedisBuckets shared) {
        this.shared = shared;
        this.route = requireNonNull(route, "route");
        this.path = requireNonNull(path, "path");
        this.config = requireNonNull(config, "config");
        this.bandwidth = Bandwidth.builder().capacity(config.burst())
                .refillGreedy(config.tokens(), config.period()).build();
        // A bucket is full again after burst / rate; past that, forgetting it changes nothing.
        long refillNanos = Math.max(1, config.period().toNanos() / config.tokens()) * config.burst();
        this.buckets = Caffeine.newBuilder()
                .maximumWeight(MAX_KEY_WEIGHT)
                .weigher((String key, Bucket b) -> 1 + key.length() / 64)
                .expireAfterAccess(Duration.ofNanos(Math.max(refillNanos, 1_000_000_000L)))
                .build();
        this.counters = metrics.rateLimit(route);
        this.limitText = path + ": " + config.rate() + ", burst " + config.burst() + ", key " + config.key();
        this.sharedConfig = BucketConfiguration.builder().addLimit(bandwidth).build();
    }

    RateLimitConfig config() {
        return config;
    }

    /** Where the limit is written, e.g. {@code routes[0].rate_limit}. */
    String path() {
        return path;
    }

    @Override
    public Refusal onRequest(FilterContext x, HttpRequest request) {
        String key = key(x, request);
        RedisBuckets store = shared;
        if (store != null && store.available()) {
            // The fleet's bucket; if Redis does not answer, this request (and the next ones, until it is
            // back) is counted locally rather than refused or waiting.
            return Refusal.deferred(store.tryConsume(route + ":" + key, sharedConfig)
                    .handle((probe, e) -> e == null ? decide(probe, key) : decideLocally(key)));
        }
        return decideLocally(key);
    }

    private Refusal decideLocally(String key) {
        Bucket bucket = buckets.get(key, k -> Bucket.builder().addLimit(bandwidth).build());
        return decide(bucket.tryConsumeAndReturnRemaining(1), key);
    }

    /** The answer for one probe of a bucket; safe on any thread. */
    private Refusal decide(ConsumptionProbe probe, String key) {
        if (probe.isConsumed()) {
            counters.allowed().inc();
            return null;
        }
        counters.limited().inc();
        long waitNanos = probe.getNanosToWaitForRefill();
        long retryAfter = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
        return new Refusal(LIMITED, HttpResponseStatus.TOO_MANY_REQUESTS,
                "rate limit of route " + route + " exceeded for " + describe(key) + ": " + config.rate() + ", burst "
                        + config.burst() + " (" + path + "); next token in " + FailureTexts.millis(waitNanos),
                limitText, retryAfter);
    }

    /**
     * The bucket's key. A request without the keyed header is counted by its client address, so leaving
     * the header out is no way around the limit.
     */
    private String key(FilterContext x, HttpRequest request) {
        if (config.header() != null) {
            String value = request.headers().get(config.header());
            if (value != null) {
                return "h:" + value;
            }
        }
        return "ip:" + x.clientIp();
    }

    private String describe(String key) {
        if (key.startsWith("h:")) {
            String value = key.substring(2);
            return "header " + config.header() + "='" + (value.length() > 64 ? value.substring(0, 64) + "…" : value) + "'";
        }
        return "client_ip " + key.substring(3);
    }

    /** How many keys hold a bucket right now (approximately). */
    long keys() {
        return buckets.estimatedSize();
    }
}
