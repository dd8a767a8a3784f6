package dev.candor.proxy;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;

/**
 * How many client faults a second keep their full evidence. A client fault (a slow or malformed request
 * that never reaches an upstream) is always counted, logged in the access log and in the journal's
 * per-minute counts; its report goes to the recent-failures ring and the journal only while this
 * allows. Otherwise a crowd of slowloris connections timing out together would push every upstream
 * failure out of the ring within seconds, fill the journal with thousands of identical 408s, and cost
 * the event loop a full report for each.
 */
final class ClientFaultSampling {
    /** Reports kept at once after a quiet spell, then per second. */
    static final int BURST = 20;
    static final int PER_SECOND = 5;

    private final Bucket bucket = Bucket.builder()
            .addLimit(Bandwidth.builder().capacity(BURST).refillGreedy(PER_SECOND, java.time.Duration.ofSeconds(1)).build())
            .build();

    /** True when this client fault's report is kept. */
    boolean keep() {
        return bucket.tryConsume(1);
    }
}
