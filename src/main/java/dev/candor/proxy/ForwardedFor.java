package dev.candor.proxy;

import dev.candor.config.Cidr;
import io.netty.handler.codec.http.HttpHeaders;

import java.util.List;

/**
 * Who the client is when trusted proxies stand in front of Candor ({@code trusted_proxies}): the
 * {@code X-Forwarded-For} chain is read from the right, hop by hop, only while each hop that reported it is
 * trusted; the first address a trusted hop reported that is not itself trusted is the client. Anything
 * written further left came from an untrusted party and could be forged, so it is never believed.
 */
final class ForwardedFor {
    private ForwardedFor() {
    }

    /**
     * The believed client address.
     *
     * @param peer the address of whoever connected to Candor (from the socket or a PROXY protocol header)
     */
    static String client(String peer, HttpHeaders headers, List<Cidr> trusted) {
        if (trusted.isEmpty() || Cidr.firstContaining(trusted, Cidr.literal(peer)) == null) {
            return peer;
        }
        List<String> values = headers.getAll(HeaderRules.X_FORWARDED_FOR);
        String believed = peer;
        for (int v = values.size() - 1; v >= 0; v--) {
            String value = values.get(v);
            int end = value.length();
            while (end > 0) {
                int comma = value.lastIndexOf(',', end - 1);
                String hop = withoutPort(value.substring(comma + 1, end).trim());
                end = comma < 0 ? 0 : comma;
                if (hop.isEmpty()) {
                    continue;
                }
                byte[] bytes = Cidr.literal(hop);
                if (bytes == null) {
                    return believed; // garbage from the last trusted hop's client: stop at that hop
                }
                believed = hop;
                if (Cidr.firstContaining(trusted, bytes) == null) {
                    return believed;
                }
            }
        }
        return believed; // every hop is trusted: the leftmost is as far as the chain goes
    }

    /** {@code 192.0.2.1:443} → {@code 192.0.2.1}, {@code [2001:db8::1]:443} → {@code 2001:db8::1}. */
    private static String withoutPort(String hop) {
        if (hop.startsWith("[")) {
            int close = hop.indexOf(']');
            return close < 0 ? hop : hop.substring(1, close);
        }
        int colon = hop.indexOf(':');
        return colon > 0 && colon == hop.lastIndexOf(':') ? hop.substring(0, colon) : hop;
    }
}
