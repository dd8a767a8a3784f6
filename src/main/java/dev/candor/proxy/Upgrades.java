package dev.candor.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;

/**
 * Which protocol switches Candor carries (RFC 9110 §7.8): WebSocket (RFC 6455), asked for with
 * {@code Connection: upgrade} and {@code Upgrade: websocket}. Other upgrades (such as {@code h2c}) are not
 * carried: their headers are hop-by-hop and removed, and the request is forwarded as an ordinary one.
 */
final class Upgrades {
    static final String WEBSOCKET = "websocket";

    private Upgrades() {
    }

    /** The protocol the request asks to switch to and Candor can carry, or null. */
    static String requested(HttpRequest request) {
        if (!request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)) {
            return null;
        }
        String upgrade = request.headers().get(HttpHeaderNames.UPGRADE);
        return upgrade != null && hasToken(upgrade, WEBSOCKET) ? WEBSOCKET : null;
    }

    /** Whether a {@code 101} switches to {@code protocol}, as asked. */
    static boolean switchesTo(HttpResponse response, String protocol) {
        String upgrade = response.headers().get(HttpHeaderNames.UPGRADE);
        return upgrade != null && hasToken(upgrade, protocol);
    }

    /** Whether a comma-separated list holds {@code token} (case-insensitive, as protocol names are). */
    private static boolean hasToken(String list, String token) {
        int start = 0;
        while (start <= list.length()) {
            int comma = list.indexOf(',', start);
            int end = comma < 0 ? list.length() : comma;
            if (list.substring(start, end).trim().equalsIgnoreCase(token)) {
                return true;
            }
            start = end + 1;
        }
        return false;
    }
}
