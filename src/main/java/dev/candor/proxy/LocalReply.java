package dev.candor.proxy;

import dev.candor.config.ErrorsConfig;
import dev.candor.failure.ErrorType;
import dev.candor.failure.ProxyStatus;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;

/**
 * A response Candor makes itself. For a failure: RFC 9457 problem details for clients that accept JSON, a
 * small HTML page otherwise, and the RFC 9209 {@code Proxy-Status} header naming the error type; how much it
 * tells follows {@code errors.expose}, never a stack trace, and a backend address only with {@code details}.
 * For a route's answer (a redirect, a fixed response): just what the route configured.
 */
final class LocalReply {

    /** What one reply says. */
    record Content(HttpResponseStatus status, ErrorType error, String publicDetail, String privateDetail,
                   String nextHop, String requestId, String rcode) {
        /** A reply that is not about a DNS failure. */
        Content(HttpResponseStatus status, ErrorType error, String publicDetail, String privateDetail,
                String nextHop, String requestId) {
            this(status, error, publicDetail, privateDetail, nextHop, requestId, null);
        }
    }

    private LocalReply() {
    }

    static FullHttpResponse build(ByteBufAllocator alloc, Content c, ErrorsConfig.Expose expose, String accept, boolean close) {
        boolean details = expose == ErrorsConfig.Expose.DETAILS;
        boolean named = expose != ErrorsConfig.Expose.NONE;
        String detail = details && c.privateDetail() != null ? c.privateDetail()
                : named ? c.publicDetail() : c.status().reasonPhrase();
        boolean json = prefersJson(accept);
        String body = json ? problemJson(c, named, detail) : html(c, named, detail);
        ByteBuf content = alloc.buffer(body.length());
        content.writeCharSequence(body, StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, c.status(), content);
        HttpHeaders h = response.headers();
        h.set(HttpHeaderNames.CONTENT_TYPE, json ? "application/problem+json" : "text/html; charset=utf-8");
        h.setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        h.set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        if (c.requestId() != null) {
            h.set(HeaderRules.X_REQUEST_ID, c.requestId());
        }
        if (named) {
            h.set(HeaderRules.PROXY_STATUS, ProxyStatus.forError(c.error(),
                    details ? c.privateDetail() : null, details ? c.nextHop() : null, c.rcode()));
        }
        if (close) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return response;
    }

    /**
     * The response of a route's {@link ProxyFilter.Answer} (a redirect, a fixed response): not a failure, so
     * no problem details and no {@code Proxy-Status}, just the answer's status, headers and body.
     */
    static FullHttpResponse answer(ByteBufAllocator alloc, ProxyFilter.Answer answer, String requestId) {
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, answer.status(),
                alloc.buffer(body.length).writeBytes(body));
        response.headers().set(answer.headers());
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        response.headers().set(HeaderRules.X_REQUEST_ID, requestId);
        return response;
    }

    /** JSON when the client names it, or accepts anything without naming HTML (curl, most API clients). */
    static boolean prefersJson(String accept) {
        if (accept == null) {
            return false;
        }
        return accept.contains("json") || (accept.contains("*/*") && !accept.contains("text/html"));
    }

    private static String problemJson(Content c, boolean named, String detail) {
        StringBuilder b = new StringBuilder(256);
        b.append("{\"type\":\"").append(named ? "urn:candor:error:" + c.error().token() : "about:blank")
                .append("\",\"title\":\"").append(c.status().reasonPhrase())
                .append("\",\"status\":").append(c.status().code())
                .append(",\"detail\":");
        Json.appendString(b, detail);
        if (named) {
            b.append(",\"error\":\"").append(c.error().token()).append('"');
        }
        b.append(",\"request_id\":");
        Json.appendString(b, c.requestId());
        return b.append("}\n").toString();
    }

    private static String html(Content c, boolean named, String detail) {
        String title = c.status().code() + " " + c.status().reasonPhrase();
        return "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + title + "</title></head><body><h1>"
                + title + "</h1><p>" + Json.escapeHtml(detail) + "</p><p>"
                + (named ? "Error type: <code>" + c.error().token() + "</code><br>" : "")
                + "Request id: <code>" + Json.escapeHtml(c.requestId() == null ? "-" : c.requestId())
                + "</code></p><hr><p>candor</p></body></html>\n";
    }
}
