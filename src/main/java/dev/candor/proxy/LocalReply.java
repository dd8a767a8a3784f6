package dev.candor.proxy;

import dev.candor.failure.ErrorType;
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
 * A response Candor makes itself: RFC 9457 problem details for clients that accept JSON, a small HTML
 * page otherwise, and always the RFC 9209 {@code Proxy-Status} header naming the error type. Never a
 * stack trace and never a backend address.
 */
final class LocalReply {

    private LocalReply() {
    }

    static FullHttpResponse build(ByteBufAllocator alloc, HttpResponseStatus status, ErrorType error,
                                  String detail, String requestId, String accept, boolean close) {
        boolean json = accept != null && (accept.contains("json") || accept.contains("*/*") && !accept.contains("html"));
        String body = json ? problemJson(status, error, detail, requestId) : html(status, error, detail, requestId);
        ByteBuf content = alloc.buffer(body.length());
        content.writeCharSequence(body, StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        HttpHeaders h = response.headers();
        h.set(HttpHeaderNames.CONTENT_TYPE, json ? "application/problem+json" : "text/html; charset=utf-8");
        h.setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        h.set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        if (requestId != null) {
            h.set(HeaderRules.X_REQUEST_ID, requestId);
        }
        h.set(HeaderRules.PROXY_STATUS, "candor; error=" + error.token());
        if (close) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return response;
    }

    private static String problemJson(HttpResponseStatus status, ErrorType error, String detail, String requestId) {
        StringBuilder b = new StringBuilder(256);
        b.append("{\"type\":\"urn:candor:error:").append(error.token())
                .append("\",\"title\":\"").append(status.reasonPhrase())
                .append("\",\"status\":").append(status.code())
                .append(",\"detail\":");
        Json.appendString(b, detail);
        b.append(",\"error\":\"").append(error.token()).append("\",\"request_id\":");
        Json.appendString(b, requestId);
        return b.append("}\n").toString();
    }

    private static String html(HttpResponseStatus status, ErrorType error, String detail, String requestId) {
        return "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + status.code() + " " + status.reasonPhrase()
                + "</title></head><body><h1>" + status.code() + " " + status.reasonPhrase() + "</h1><p>"
                + Json.escapeHtml(detail) + "</p><p>Error type: <code>" + error.token()
                + "</code><br>Request id: <code>" + Json.escapeHtml(requestId == null ? "-" : requestId)
                + "</code></p><hr><p>candor</p></body></html>\n";
    }
}
