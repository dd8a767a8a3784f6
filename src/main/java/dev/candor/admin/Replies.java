package dev.candor.admin;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.util.LinkedHashMap;
import java.util.Map;

/** Writes the admin listener's responses: JSON, RFC 9457 problem details, and static bytes. */
final class Replies {
    static final String JSON = "application/json; charset=utf-8";
    static final String PROBLEM = "application/problem+json; charset=utf-8";
    private static final JsonMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private Replies() {
    }

    static void json(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, Object body) {
        send(ctx, keepAlive, status, JSON, MAPPER.writeValueAsBytes(body), "no-store");
    }

    /**
     * A problem-details body (RFC 9457): {@code type} is {@code urn:candor:admin:NAME}, {@code title} the
     * status reason, plus any extension members.
     */
    static void problem(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, String name,
                        String detail, Map<String, Object> extensions) {
        problem(ctx, keepAlive, status, name, detail, extensions, null, null);
    }

    /** The same with one extra response header (e.g. {@code Allow} on a 405), unless its name is null. */
    static void problem(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, String name,
                        String detail, Map<String, Object> extensions, CharSequence header, String value) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "urn:candor:admin:" + name);
        body.put("title", status.reasonPhrase());
        body.put("status", status.code());
        body.put("detail", detail);
        body.putAll(extensions);
        FullHttpResponse response = response(status, PROBLEM, MAPPER.writeValueAsBytes(body), "no-store");
        if (header != null) {
            response.headers().set(header, value);
        }
        send(ctx, keepAlive, response);
    }

    static void send(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, String contentType,
                     byte[] body, String cacheControl) {
        send(ctx, keepAlive, response(status, contentType, body, cacheControl));
    }

    private static FullHttpResponse response(HttpResponseStatus status, String contentType, byte[] body,
                                             String cacheControl) {
        ByteBuf content = Unpooled.wrappedBuffer(body);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, cacheControl)
                .set("X-Content-Type-Options", "nosniff");
        return response;
    }

    static void send(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse response) {
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(response);
        }
    }

    static void notFound(ChannelHandlerContext ctx, boolean keepAlive, String detail) {
        problem(ctx, keepAlive, HttpResponseStatus.NOT_FOUND, "not-found", detail, Map.of());
    }

    static void notAllowed(ChannelHandlerContext ctx, boolean keepAlive, String allowed) {
        problem(ctx, keepAlive, HttpResponseStatus.METHOD_NOT_ALLOWED, "method-not-allowed",
                "this endpoint answers " + allowed + " only", Map.of(), HttpHeaderNames.ALLOW, allowed);
    }
}
