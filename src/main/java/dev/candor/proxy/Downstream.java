package dev.candor.proxy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * The client side of one exchange, whatever the wire: the exchange hands it response messages in Netty's
 * HTTP object model and the adapter frames them for its protocol (today {@link Http1Downstream}: chunking,
 * keep-alive, {@code Connection: close}; an HTTP/2 stream would map the same calls onto frames). Calls
 * happen on {@link #eventLoop()}; nothing blocks.
 */
interface Downstream {

    EventLoop eventLoop();

    ByteBufAllocator alloc();

    /** The client's address, for {@code X-Forwarded-For} and the log. */
    String clientIp();

    /** {@code http} or {@code https}: what the client used, for {@code X-Forwarded-Proto}. */
    String scheme();

    /** Asks the client for the body it is holding back ({@code Expect: 100-continue}). */
    void sendContinue();

    /**
     * Sends a response head, framed for the client; nothing is flushed yet.
     *
     * @param upstreamChunked the upstream sent its body chunked (its framing is hop-by-hop, but a HEAD
     *                        answer should tell the client how the body would have come)
     * @param mustClose the client connection cannot be kept after this response
     */
    void sendHead(HttpResponse head, boolean upstreamChunked, boolean mustClose);

    /** Queues a piece of the body; nothing is flushed yet. */
    void sendContent(HttpContent content);

    /**
     * Sends the end of the response and calls {@code flushed} once it has left; {@code last} is null when
     * the head already was a whole message.
     */
    void sendLast(LastHttpContent last, Runnable flushed);

    /**
     * Sends a whole response Candor made, and calls {@code flushed} once it has left.
     *
     * @param mustClose the client connection cannot be kept after it (framing unknown, body unread)
     */
    void sendReply(FullHttpResponse reply, boolean mustClose, Runnable flushed);

    /** Whether the client can take more without buffering past the high-water mark. */
    boolean isWritable();

    void flush();

    /** The exchange can take the request pieces held back for it; deliver them and read on. */
    void resumeRequest();

    /** Whether this downstream can become a byte tunnel after a {@code 101}. */
    boolean canTunnel();

    /**
     * Sends the {@code 101} head, then takes the client connection out of HTTP: {@code tunnelEnd} replaces
     * the HTTP handlers and the connection carries raw bytes from now on.
     *
     * @return the client connection, or null when this downstream cannot carry a tunnel
     */
    Channel switchToTunnel(HttpResponse switching, ChannelHandler tunnelEnd);

    /** The exchange finished and its response has left: serve the next request, or close. */
    void exchangeDone(Exchange done, boolean requestComplete);

    /** The exchange ended by cutting the response: the client must see it is incomplete. */
    void exchangeAborted(Exchange aborted);

    /** True once the server drains: responses end with {@code Connection: close}. */
    boolean isDraining();
}
