package dev.candor.proxy;

import dev.candor.config.BalancerConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

/** The key a hash balancer hashes: the client address, a header's value or a cookie's value. */
final class HashKeys {

    private HashKeys() {
    }

    /** The request's key for {@code balancer}, or null when the policy does not hash or the request has no key. */
    static CharSequence of(BalancerConfig balancer, HttpHeaders headers, String clientIp) {
        return switch (balancer.kind()) {
            case IP_HASH -> clientIp;
            case HEADER_HASH -> headers.get(balancer.key());
            case COOKIE_HASH -> cookie(headers, balancer.key());
            case ROUND_ROBIN, WEIGHTED_ROUND_ROBIN, RANDOM, LEAST_REQUEST -> null;
        };
    }

    /** The value of cookie {@code name} in the request's Cookie headers (RFC 6265 §5.4 pairs), or null. */
    static String cookie(HttpHeaders headers, String name) {
        for (String line : headers.getAll(HttpHeaderNames.COOKIE)) {
            int i = 0;
            while (i < line.length()) {
                int end = line.indexOf(';', i);
                if (end < 0) {
                    end = line.length();
                }
                int eq = line.indexOf('=', i);
                if (eq > i && eq < end && line.substring(i, eq).trim().equals(name)) {
                    String value = line.substring(eq + 1, end).trim();
                    if (value.length() >= 2 && value.charAt(0) == '"' && value.charAt(value.length() - 1) == '"') {
                        value = value.substring(1, value.length() - 1);
                    }
                    return value;
                }
                i = end + 1;
            }
        }
        return null;
    }
}
