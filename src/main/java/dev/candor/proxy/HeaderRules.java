package dev.candor.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * How headers change when a message crosses Candor (RFC 9110 §7.6): hop-by-hop fields are dropped
 * both ways, forwarding facts are added to requests, and upstream fingerprints are hidden from clients.
 */
final class HeaderRules {
    static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");
    static final AsciiString X_POWERED_BY = AsciiString.cached("x-powered-by");
    static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
    static final AsciiString PROXY_STATUS = AsciiString.cached("proxy-status");
    static final String VIA_VALUE = "1.1 candor";

    /** Always hop-by-hop (RFC 9110 §7.6.1), whatever {@code Connection} says. */
    private static final AsciiString[] HOP_BY_HOP = {
            HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE, PROXY_CONNECTION, HttpHeaderNames.TE,
            HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.UPGRADE, HttpHeaderNames.TRAILER,
            HttpHeaderNames.PROXY_AUTHENTICATE, HttpHeaderNames.PROXY_AUTHORIZATION,
    };

    private HeaderRules() {
    }

    /**
     * Removes every field named in {@code Connection}, then the fixed hop-by-hop set. Framing and Host
     * are never removed because a client listed them: that would change the message's meaning.
     */
    static void stripHopByHop(HttpHeaders headers) {
        List<String> connection = headers.getAll(HttpHeaderNames.CONNECTION);
        for (String value : connection) {
            int start = 0;
            while (start <= value.length()) {
                int comma = value.indexOf(',', start);
                int end = comma < 0 ? value.length() : comma;
                String name = value.substring(start, end).trim();
                if (!name.isEmpty() && !isProtected(name)) {
                    headers.remove(name);
                }
                start = end + 1;
            }
        }
        for (AsciiString name : HOP_BY_HOP) {
            headers.remove(name);
        }
    }

    /**
     * Drops request fields whose names hold an underscore, as nginx does by default: a CGI-style backend
     * maps both {@code X-Forwarded_For} and {@code X-Forwarded-For} to one variable, so a client could
     * pass a value under a name Candor does not recognise as the one it sets.
     */
    static void dropUnderscoreNames(HttpHeaders headers) {
        List<String> dropped = null;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
            CharSequence name = it.next().getKey();
            for (int i = 0; i < name.length(); i++) {
                if (name.charAt(i) == '_') {
                    if (dropped == null) {
                        dropped = new ArrayList<>(2);
                    }
                    dropped.add(name.toString());
                    break;
                }
            }
        }
        if (dropped != null) {
            for (String name : dropped) {
                headers.remove(name);
            }
        }
    }

    private static boolean isProtected(String name) {
        return HttpHeaderNames.HOST.contentEqualsIgnoreCase(name)
                || HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(name)
                || HttpHeaderNames.TRANSFER_ENCODING.contentEqualsIgnoreCase(name)
                || X_REQUEST_ID.contentEqualsIgnoreCase(name);
    }

    /** Rewrites a client's request header section for the upstream. */
    static void forwardRequest(HttpHeaders headers, String clientIp, String proto, String hostHeader,
                               String requestId, boolean chunkedBody) {
        forwardRequest(headers, clientIp, proto, hostHeader, requestId, chunkedBody, null);
    }

    /**
     * The same for a request that asks to switch protocols: {@code upgrade} is the {@code Upgrade} value
     * Candor carries (RFC 9110 §7.8), kept with {@code Connection: upgrade} although both are hop-by-hop.
     */
    static void forwardRequest(HttpHeaders headers, String clientIp, String proto, String hostHeader,
                               String requestId, boolean chunkedBody, String upgrade) {
        stripHopByHop(headers);
        dropUnderscoreNames(headers);
        keepUpgrade(headers, upgrade);
        // Candor answers 100-continue itself once the upstream connection is ready (see Exchange).
        headers.remove(HttpHeaderNames.EXPECT);
        headers.set(X_FORWARDED_FOR, append(headers, X_FORWARDED_FOR, clientIp));
        headers.set(X_FORWARDED_PROTO, proto);
        if (hostHeader != null) {
            headers.set(X_FORWARDED_HOST, hostHeader);
        } else {
            headers.remove(X_FORWARDED_HOST);
        }
        headers.set(HttpHeaderNames.VIA, append(headers, HttpHeaderNames.VIA, VIA_VALUE));
        headers.set(X_REQUEST_ID, requestId);
        if (chunkedBody) {
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
    }

    /** Rewrites an upstream's response header section for the client (framing is set by the caller). */
    static void forwardResponse(HttpHeaders headers, String requestId) {
        forwardResponse(headers, requestId, null);
    }

    /** The same for a {@code 101} that switches to {@code upgrade}, whose upgrade headers are kept. */
    static void forwardResponse(HttpHeaders headers, String requestId, String upgrade) {
        stripHopByHop(headers);
        keepUpgrade(headers, upgrade);
        headers.remove(HttpHeaderNames.SERVER);
        headers.remove(X_POWERED_BY);
        headers.set(X_REQUEST_ID, requestId);
    }

    private static void keepUpgrade(HttpHeaders headers, String upgrade) {
        if (upgrade != null) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
            headers.set(HttpHeaderNames.UPGRADE, upgrade);
        }
    }

    /** Joins every existing line of a list-valued field and appends one more member. */
    private static String append(HttpHeaders headers, AsciiString name, String value) {
        List<String> existing = headers.getAll(name);
        if (existing.isEmpty()) {
            return value;
        }
        if (existing.size() == 1) {
            return existing.get(0) + ", " + value;
        }
        return String.join(", ", existing) + ", " + value;
    }
}
