package dev.candor.proxy;

import dev.candor.config.RouteActionsConfig.SplitConfig;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** A weighted random choice among a route's upstreams, for canary and blue/green traffic splits. */
final class UpstreamSplit {
    private final String[] upstreams;
    /** Running sums of the weights: upstream i takes draws below cumulative[i] and at or above cumulative[i - 1]. */
    private final long[] cumulative;

    UpstreamSplit(List<SplitConfig> split) {
        upstreams = new String[split.size()];
        cumulative = new long[split.size()];
        long sum = 0;
        for (int i = 0; i < split.size(); i++) {
            upstreams[i] = split.get(i).upstream();
            sum += split.get(i).weight();
            cumulative[i] = sum;
        }
        if (sum <= 0) {
            throw new IllegalArgumentException("a split needs a positive total weight");
        }
    }

    String pick() {
        return pick(ThreadLocalRandom.current().nextLong(cumulative[cumulative.length - 1]));
    }

    /** The upstream that takes {@code draw}, a number in [0, total weight). */
    String pick(long draw) {
        for (int i = 0; i < cumulative.length; i++) {
            if (draw < cumulative[i]) {
                return upstreams[i];
            }
        }
        return upstreams[upstreams.length - 1];
    }
}
