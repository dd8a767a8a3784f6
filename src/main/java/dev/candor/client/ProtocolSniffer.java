package dev.candor.client;

import dev.candor.failure.Signal;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Looks at the first bytes an upstream connection receives, before the HTTP codec, and names the two
 * classic misconfigurations that would otherwise read as "invalid version format": a TLS record (the
 * port expects HTTPS) and an HTTP/2 frame (the server speaks only h2). Removes itself after the first read.
 */
final class ProtocolSniffer extends ChannelInboundHandlerAdapter {

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ctx.pipeline().remove(this);
        if (msg instanceof ByteBuf buf && buf.readableBytes() >= 5) {
            Signal signal = recognise(buf);
            if (signal != null) {
                String prefix = ByteBufUtil.hexDump(buf, buf.readerIndex(), Math.min(16, buf.readableBytes()));
                buf.release();
                String what = signal == Signal.TLS_RECORD
                        ? "the upstream answered with a TLS record (hex " + prefix + "): the port expects HTTPS"
                        : "the upstream answered with an HTTP/2 frame (hex " + prefix + "): it speaks HTTP/2 only";
                ctx.fireExceptionCaught(new ProtocolMismatchException(signal, what));
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    static Signal recognise(ByteBuf buf) {
        int i = buf.readerIndex();
        int b0 = buf.getUnsignedByte(i);
        int b1 = buf.getUnsignedByte(i + 1);
        int b2 = buf.getUnsignedByte(i + 2);
        // TLS record: content type 20-23 (alert 21, handshake 22), version 3.x.
        if (b0 >= 20 && b0 <= 23 && b1 == 3 && b2 <= 4) {
            return Signal.TLS_RECORD;
        }
        // "PRI * HTTP/2.0" (a client preface echoed) or a frame header: 24-bit length, then type
        // SETTINGS (4) or GOAWAY (7) on stream 0 — what an h2-only server sends first.
        if (b0 == 'P' && b1 == 'R' && b2 == 'I') {
            return Signal.HTTP2_PREFACE;
        }
        if (buf.readableBytes() >= 9) {
            int type = buf.getUnsignedByte(i + 3);
            int stream = buf.getInt(i + 5) & 0x7fffffff;
            if ((type == 4 || type == 7) && stream == 0 && b0 == 0) {
                return Signal.HTTP2_PREFACE;
            }
        }
        return null;
    }
}
