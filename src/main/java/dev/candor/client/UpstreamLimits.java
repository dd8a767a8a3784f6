package dev.candor.client;

/** Fixed limits on what Candor accepts from upstreams. */
public final class UpstreamLimits {
    /** The largest response header section accepted from an upstream (Envoy's default is 60 KiB). */
    public static final int MAX_RESPONSE_HEADER_SIZE = 64 * 1024;

    private UpstreamLimits() {
    }
}
