package dev.candor.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;

import java.util.List;
import java.util.Locale;

/**
 * Strict checks of a decoded request head (RFC 9112 §3, §6; RFC 9110 §7.2), beyond what Netty's decoder
 * already refuses. A request that fails is answered with a 4xx/5xx and, when its framing cannot be
 * trusted, the connection is closed: anything ambiguous is refused rather than guessed, because a
 * proxy that guesses differently from its backend enables request smuggling.
 */
final class RequestCheck {

    /** Why a request is refused; {@code close} when the bytes after it cannot be trusted. */
    record Rejection(HttpResponseStatus status, String reason, boolean close) {
    }

    /** What a valid request resolves to: its host (lower case, no port) and origin-form target. */
    record Target(String hostHeader, String host, String path) {
    }

    private RequestCheck() {
    }

    /** Maps a decoder failure to the right status: 414 for the request line, 431 for headers, else 400. */
    static Rejection decoderFailure(Throwable cause, boolean inHeaders) {
        if (cause instanceof TooLongHttpLineException && !inHeaders) {
            // A chunk-size line (its extensions included) past the line limit: the framing is unusable,
            // which is a plain 400 (RFC 9112 §7.1.1), not a statement about the request target.
            return new Rejection(HttpResponseStatus.BAD_REQUEST, "chunk-size line too long (chunk extensions included)", true);
        }
        if (cause instanceof TooLongHttpLineException) {
            return new Rejection(HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line too long", true);
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return new Rejection(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "request header section too large", true);
        }
        String what = inHeaders ? "malformed request" : "malformed request body framing";
        String detail = cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage();
        return new Rejection(HttpResponseStatus.BAD_REQUEST, what + detail, true);
    }

    /**
     * Checks one piece of a request body: framing the decoder could not follow, or a body past
     * {@code limits.max_body_size} ({@code maxBodySize}, 0 = unlimited) after {@code bodyBytesRead} bytes.
     *
     * @return why the piece is refused, or null
     */
    static Rejection bodyPiece(io.netty.handler.codec.http.HttpContent piece, long bodyBytesRead, long maxBodySize) {
        if (piece.decoderResult().isFailure()) {
            return decoderFailure(piece.decoderResult().cause(), false);
        }
        if (maxBodySize > 0 && bodyBytesRead > maxBodySize) {
            return new Rejection(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "request body exceeds limits.max_body_size (" + maxBodySize + " bytes)", true);
        }
        return null;
    }

    /**
     * Checks method, target, version, Host and body framing. Returns a {@link Rejection} or a
     * {@link Target}; on success the request's URI is rewritten to origin form when it was absolute.
     */
    static Object check(HttpRequest request, long maxUriLength, long maxBodySize) {
        HttpVersion version = request.protocolVersion();
        if (version.majorVersion() != 1) {
            return new Rejection(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, "unsupported HTTP version " + version, true);
        }
        String method = request.method().name();
        if (!isToken(method)) {
            return new Rejection(HttpResponseStatus.BAD_REQUEST, "invalid method", true);
        }
        String uri = request.uri();
        if (uri.length() > maxUriLength) {
            return new Rejection(HttpResponseStatus.REQUEST_URI_TOO_LONG, "request target longer than " + maxUriLength + " bytes", true);
        }
        if (!isValidTargetChars(uri)) {
            return new Rejection(HttpResponseStatus.BAD_REQUEST, "invalid character in request target", true);
        }
        Object framing = checkFraming(request, maxBodySize);
        if (framing != null) {
            return framing;
        }
        if (MaxForwards.remaining(request) == MaxForwards.INVALID) {
            return new Rejection(HttpResponseStatus.BAD_REQUEST, "invalid Max-Forwards", false);
        }
        HttpHeaders headers = request.headers();
        List<String> hosts = headers.getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1) {
            return new Rejection(HttpResponseStatus.BAD_REQUEST, "more than one Host header", true);
        }
        String hostHeader = hosts.isEmpty() ? null : hosts.get(0);
        String path;
        if (uri.startsWith("/")) {
            path = uri;
        } else if (uri.equals("*")) {
            if (request.method() != HttpMethod.OPTIONS) {
                return new Rejection(HttpResponseStatus.BAD_REQUEST, "'*' target is only valid for OPTIONS", false);
            }
            path = uri;
        } else if (request.method() == HttpMethod.CONNECT) {
            return new Rejection(HttpResponseStatus.METHOD_NOT_ALLOWED, "CONNECT is not supported by a reverse proxy", false);
        } else {
            // Absolute form: the target's authority replaces any Host received (RFC 9112 §3.2.2).
            int schemeEnd = uri.indexOf("://");
            String scheme = schemeEnd < 0 ? "" : uri.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                return new Rejection(HttpResponseStatus.BAD_REQUEST, "invalid request target", true);
            }
            int authorityStart = schemeEnd + 3;
            int authorityEnd = authorityStart;
            while (authorityEnd < uri.length() && uri.charAt(authorityEnd) != '/' && uri.charAt(authorityEnd) != '?') {
                authorityEnd++;
            }
            String authority = uri.substring(authorityStart, authorityEnd);
            if (authority.indexOf('@') >= 0 || !isValidHost(authority)) {
                return new Rejection(HttpResponseStatus.BAD_REQUEST, "invalid authority in request target", true);
            }
            String rest = uri.substring(authorityEnd);
            path = rest.isEmpty() ? "/" : rest.charAt(0) == '?' ? "/" + rest : rest;
            hostHeader = authority;
            headers.set(HttpHeaderNames.HOST, authority);
            request.setUri(path);
        }
        if (hostHeader == null) {
            if (version.minorVersion() >= 1) {
                return new Rejection(HttpResponseStatus.BAD_REQUEST, "missing Host header", true);
            }
            return new Target(null, null, path);
        }
        if (!isValidHost(hostHeader)) {
            return new Rejection(HttpResponseStatus.BAD_REQUEST, "invalid Host header", true);
        }
        return new Target(hostHeader, hostWithoutPort(hostHeader), path);
    }

    private static Object checkFraming(HttpRequest request, long maxBodySize) {
        HttpHeaders headers = request.headers();
        List<String> te = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
        List<String> cl = headers.getAll(HttpHeaderNames.CONTENT_LENGTH);
        if (!te.isEmpty()) {
            if (!cl.isEmpty()) {
                return new Rejection(HttpResponseStatus.BAD_REQUEST, "both Content-Length and Transfer-Encoding", true);
            }
            if (request.protocolVersion().minorVersion() == 0) {
                return new Rejection(HttpResponseStatus.BAD_REQUEST, "Transfer-Encoding in an HTTP/1.0 request", true);
            }
            if (te.size() != 1 || !te.get(0).trim().equalsIgnoreCase("chunked")) {
                String last = te.get(te.size() - 1);
                int comma = last.lastIndexOf(',');
                boolean chunkedLast = last.substring(comma + 1).trim().equalsIgnoreCase("chunked");
                if (chunkedLast && te.size() == 1 && comma > 0) {
                    return new Rejection(HttpResponseStatus.NOT_IMPLEMENTED, "unsupported transfer coding " + last, true);
                }
                return new Rejection(HttpResponseStatus.BAD_REQUEST, "invalid Transfer-Encoding", true);
            }
            return null;
        }
        if (cl.isEmpty()) {
            return null;
        }
        if (cl.size() > 1) {
            return new Rejection(HttpResponseStatus.BAD_REQUEST, "more than one Content-Length", true);
        }
        String value = cl.get(0);
        long length = parseContentLength(value);
        if (length < 0) {
            return new Rejection(HttpResponseStatus.BAD_REQUEST, "invalid Content-Length", true);
        }
        if (maxBodySize > 0 && length > maxBodySize) {
            return new Rejection(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "body of " + length + " bytes exceeds limits.max_body_size (" + maxBodySize + ")", true);
        }
        return null;
    }

    /** Digits only, at most 18 of them (no sign, no spaces, no overflow); -1 when invalid. */
    static long parseContentLength(String value) {
        if (value.isEmpty() || value.length() > 18) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Visible ASCII only, and no fragment: a '#' is never part of a request target (RFC 9112 §3.2). */
    private static boolean isValidTargetChars(String uri) {
        if (uri.isEmpty()) {
            return false;
        }
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '#') {
                return false;
            }
        }
        return true;
    }

    /** {@code uri-host [":" port]}: a bracketed IPv6 literal or a reg-name/IPv4, then an optional port. */
    static boolean isValidHost(String host) {
        if (host.isEmpty() || host.length() > 255) {
            return false;
        }
        int portStart;
        if (host.charAt(0) == '[') {
            int close = host.indexOf(']');
            if (close < 2) {
                return false;
            }
            for (int i = 1; i < close; i++) {
                char c = host.charAt(i);
                if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                    return false;
                }
            }
            portStart = close + 1;
            if (portStart < host.length() && host.charAt(portStart) != ':') {
                return false;
            }
        } else {
            int colon = host.indexOf(':');
            int end = colon < 0 ? host.length() : colon;
            if (end == 0) {
                return false;
            }
            for (int i = 0; i < end; i++) {
                char c = host.charAt(i);
                boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || "-._~!$&'()*+,;=%".indexOf(c) >= 0;
                if (!ok) {
                    return false;
                }
            }
            portStart = end;
        }
        if (portStart == host.length()) {
            return true;
        }
        String port = host.substring(portStart + 1);
        if (port.isEmpty()) {
            return true; // "host:" is allowed by the grammar (port = *DIGIT)
        }
        if (port.length() > 5) {
            return false;
        }
        for (int i = 0; i < port.length(); i++) {
            if (port.charAt(i) < '0' || port.charAt(i) > '9') {
                return false;
            }
        }
        return Integer.parseInt(port) <= 65535;
    }

    static String hostWithoutPort(String hostHeader) {
        String h;
        if (hostHeader.charAt(0) == '[') {
            h = hostHeader.substring(0, hostHeader.indexOf(']') + 1);
        } else {
            int colon = hostHeader.indexOf(':');
            h = colon < 0 ? hostHeader : hostHeader.substring(0, colon);
        }
        // Routing is case-insensitive; most requests are already lower case, so avoid the copy then.
        for (int i = 0; i < h.length(); i++) {
            char c = h.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                return h.toLowerCase(Locale.ROOT);
            }
        }
        return h;
    }
}
