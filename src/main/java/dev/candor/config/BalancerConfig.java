package dev.candor.config;

import static java.util.Objects.requireNonNull;

/**
 * The load-balancing policy of an upstream.
 *
 * @param key the header or cookie name for the hash policies that take one; null otherwise
 */
public record BalancerConfig(Kind kind, String key) {

    public static final BalancerConfig ROUND_ROBIN = new BalancerConfig(Kind.ROUND_ROBIN, null);

    public BalancerConfig {
        requireNonNull(kind, "kind");
    }

    /** The policies, by their config spelling. */
    public enum Kind {
        ROUND_ROBIN("round_robin"),
        WEIGHTED_ROUND_ROBIN("weighted_round_robin"),
        RANDOM("random"),
        /** Power of two choices over in-flight requests. */
        LEAST_REQUEST("least_request"),
        /** Consistent hash of the client address. */
        IP_HASH("ip_hash"),
        /** Consistent hash of a request header's value; {@code key} names the header. */
        HEADER_HASH("header_hash"),
        /** Consistent hash of a cookie's value; {@code key} names the cookie. */
        COOKIE_HASH("cookie_hash");

        private final String configName;

        Kind(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }
    }

    @Override
    public String toString() {
        return key == null ? kind.configName() : kind.configName() + "(" + key + ")";
    }
}
