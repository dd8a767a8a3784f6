package dev.candor.demo;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A tiny HTTP/1.1 server on loopback that behaves in one scripted way. It speaks raw bytes on purpose:
 * a real framework would refuse to send the broken responses the demo needs.
 */
public final class DemoBackend implements AutoCloseable {

    /** What the backend does with each request. */
    public enum Behaviour {
        /** Answers 200 at once. */
        HEALTHY,
        /** Answers 200 after three seconds (longer than the demo's response timeout). */
        SLOW,
        /** Promises a 64 KiB body, sends 1 KiB of it, then closes. */
        CLOSES_MID_RESPONSE,
        /** Answers with bytes that are not HTTP. */
        INVALID_RESPONSE
    }

    private final Behaviour behaviour;
    private final Channel channel;

    private DemoBackend(Behaviour behaviour, Channel channel) {
        this.behaviour = behaviour;
        this.channel = channel;
    }

    /** Starts the backend on 127.0.0.1 and an ephemeral port. */
    public static DemoBackend start(Behaviour behaviour, EventLoopGroup group, Class<? extends io.netty.channel.ServerChannel> channelType)
            throws InterruptedException {
        Channel ch = new ServerBootstrap()
                .group(group)
                .channel(channelType)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        c.pipeline().addLast(new Handler(behaviour));
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        return new DemoBackend(behaviour, ch);
    }

    public Behaviour behaviour() {
        return behaviour;
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }

    /** Collects request bytes until a blank line ends the head, then acts; bodies are not expected. */
    private static final class Handler extends ChannelInboundHandlerAdapter {
        private final Behaviour behaviour;
        private final StringBuilder head = new StringBuilder();

        Handler(Behaviour behaviour) {
            this.behaviour = behaviour;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            head.append(buf.toString(StandardCharsets.ISO_8859_1));
            buf.release();
            int end;
            while ((end = head.indexOf("\r\n\r\n")) >= 0) {
                String requestLine = head.substring(0, Math.max(0, head.indexOf("\r\n")));
                head.delete(0, end + 4);
                respond(ctx, requestLine);
            }
        }

        private void respond(ChannelHandlerContext ctx, String requestLine) {
            switch (behaviour) {
                case HEALTHY -> ctx.writeAndFlush(ok("hello from the healthy backend (" + requestLine + ")\n"));
                case SLOW -> ctx.executor().schedule(
                        () -> ctx.writeAndFlush(ok("hello from the slow backend, three seconds later\n")), 3, TimeUnit.SECONDS);
                case CLOSES_MID_RESPONSE -> {
                    String headPart = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 65536\r\n\r\n";
                    ByteBuf out = Unpooled.buffer();
                    out.writeCharSequence(headPart, StandardCharsets.US_ASCII);
                    out.writeBytes(new byte[1024]);
                    ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
                }
                case INVALID_RESPONSE -> ctx.writeAndFlush(Unpooled.copiedBuffer(
                        "HELLO I AM NOT HTTP\r\n\r\n", StandardCharsets.US_ASCII)).addListener(ChannelFutureListener.CLOSE);
            }
        }

        private static ByteBuf ok(String body) {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            String h = "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " + b.length
                    + "\r\nServer: demo-backend\r\n\r\n";
            ByteBuf out = Unpooled.buffer(h.length() + b.length);
            out.writeCharSequence(h, StandardCharsets.US_ASCII);
            out.writeBytes(b);
            return out;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
