package dev.candor.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code Max-Forwards} on OPTIONS and TRACE (RFC 9110 §7.6.2): a request that arrives with 0 is answered
 * by Candor as its final recipient, one with more is forwarded with one less. Other methods carry the
 * field through untouched, as the RFC asks.
 */
final class MaxForwards {
    /** No Max-Forwards, or a method it does not apply to. */
    static final long ABSENT = -1;
    /** A value that is not a decimal number. */
    static final long INVALID = -2;

    /** Request fields a TRACE reflection leaves out: credentials are not echoed (RFC 9110 §9.3.8). */
    private static final AsciiString[] NOT_REFLECTED = {
            HttpHeaderNames.AUTHORIZATION, HttpHeaderNames.PROXY_AUTHORIZATION, HttpHeaderNames.COOKIE,
    };

    private MaxForwards() {
    }

    /** What the request's Max-Forwards allows: a count, {@link #ABSENT} or {@link #INVALID}. */
    static long remaining(HttpRequest request) {
        HttpMethod method = request.method();
        if (method != HttpMethod.OPTIONS && method != HttpMethod.TRACE) {
            return ABSENT;
        }
        String value = request.headers().get(HttpHeaderNames.MAX_FORWARDS);
        if (value == null) {
            return ABSENT;
        }
        long n = RequestCheck.parseContentLength(value.trim());
        return n < 0 ? INVALID : n;
    }

    /** One hop spent: the value the upstream sees. Call only when {@link #remaining} is above 0. */
    static void decrement(HttpRequest request, long remaining) {
        request.headers().set(HttpHeaderNames.MAX_FORWARDS, Long.toString(remaining - 1));
    }

    /**
     * Candor's answer as the last hop: OPTIONS learns the methods a proxy carries ({@code Allow}); TRACE
     * gets the request it sent back as {@code message/http}, minus credentials.
     */
    static FullHttpResponse finalAnswer(ByteBufAllocator alloc, HttpRequest request) {
        FullHttpResponse answer;
        if (request.method() == HttpMethod.OPTIONS) {
            answer = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, alloc.buffer(0));
            answer.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS, TRACE");
        } else {
            StringBuilder echo = new StringBuilder(256)
                    .append(request.method().name()).append(' ').append(request.uri()).append(' ')
                    .append(request.protocolVersion().text()).append("\r\n");
            for (Map.Entry<String, String> field : request.headers()) {
                if (!isNotReflected(field.getKey())) {
                    echo.append(field.getKey()).append(": ").append(field.getValue()).append("\r\n");
                }
            }
            echo.append("\r\n");
            ByteBuf body = alloc.buffer(echo.length());
            body.writeCharSequence(echo, StandardCharsets.ISO_8859_1);
            answer = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
            answer.headers().set(HttpHeaderNames.CONTENT_TYPE, "message/http");
        }
        answer.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, answer.content().readableBytes());
        return answer;
    }

    private static boolean isNotReflected(String name) {
        for (AsciiString n : NOT_REFLECTED) {
            if (n.contentEqualsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }
}
