package dev.candor.upstream;

import dev.candor.config.CandorConfig;
import dev.candor.config.UpstreamConfig;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/** Every upstream of one config snapshot, by name. */
public final class Upstreams {
    private final Map<String, Upstream> byName;

    private Upstreams(Map<String, Upstream> byName) {
        this.byName = byName;
    }

    public static Upstreams of(CandorConfig config, RandomGenerator random, LongSupplier nanoClock, Clock wallClock) {
        Map<String, Upstream> byName = new LinkedHashMap<>();
        for (UpstreamConfig u : config.upstreams().values()) {
            byName.put(u.name(), Upstream.of(u, random, nanoClock, wallClock));
        }
        return new Upstreams(byName);
    }

    /**
     * The upstreams of a reloaded config: an upstream whose config is unchanged is the very same object
     * as in {@code previous}, so its endpoints, pools, health, ejections and drains carry over; any other
     * is built anew.
     */
    public static Upstreams of(CandorConfig config, Upstreams previous, RandomGenerator random, LongSupplier nanoClock,
                               Clock wallClock) {
        Map<String, Upstream> byName = new LinkedHashMap<>();
        for (UpstreamConfig u : config.upstreams().values()) {
            Upstream old = previous.get(u.name());
            byName.put(u.name(), old != null && old.config().equals(u) ? old
                    : Upstream.of(u, random, nanoClock, wallClock));
        }
        return new Upstreams(byName);
    }

    /** The upstream of that name; config validation guarantees every route's upstream exists. */
    public Upstream get(String name) {
        return byName.get(name);
    }

    public Iterable<Upstream> all() {
        return byName.values();
    }
}
