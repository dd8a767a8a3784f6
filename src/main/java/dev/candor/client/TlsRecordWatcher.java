package dev.candor.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Sits in front of the upstream {@code SslHandler} during the handshake and notes, without consuming
 * anything, the first bytes the upstream sent and any alert it sent in the clear. TLS libraries report
 * a received alert only as message text; reading the record itself (RFC 8446 §5.1: type 21, length 2,
 * level, description) gives its number. Removed once the handshake is over.
 */
final class TlsRecordWatcher extends ChannelInboundHandlerAdapter {
    private static final int FIRST_BYTES = 24;

    private final byte[] first = new byte[FIRST_BYTES];
    private int firstLength;
    private final byte[] header = new byte[7];
    private int headerLength;
    private int skip;
    /** The description of the last clear-text alert received, or -1. */
    private int alert = -1;
    private int alertLevel;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            scan(buf);
        }
        ctx.fireChannelRead(msg);
    }

    void scan(ByteBuf buf) {
        int i = buf.readerIndex();
        int end = buf.writerIndex();
        for (int j = i; j < end && firstLength < FIRST_BYTES; j++) {
            first[firstLength++] = buf.getByte(j);
        }
        while (i < end) {
            if (skip > 0) {
                int n = Math.min(skip, end - i);
                i += n;
                skip -= n;
                continue;
            }
            header[headerLength++] = buf.getByte(i++);
            if (headerLength == 5) {
                int type = header[0] & 0xff;
                int length = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
                if (type != 21 || length != 2) {
                    skip = length;
                    headerLength = 0;
                }
            } else if (headerLength == 7) {
                alertLevel = header[5] & 0xff;
                alert = header[6] & 0xff;
                headerLength = 0;
            }
        }
    }

    /** The description number of a clear-text alert received, or -1 when none was. */
    int alert() {
        return alert;
    }

    /** 2 for fatal, 1 for warning. */
    int alertLevel() {
        return alertLevel;
    }

    /** The first bytes the upstream sent (up to 24); empty when it sent none. */
    byte[] firstBytes() {
        return java.util.Arrays.copyOf(first, firstLength);
    }
}
