package dev.candor.proxy;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * Follows the WebSocket frames (RFC 6455 §5.2) going one way through a tunnel without touching a byte:
 * it reads frame headers as they pass, so it knows when the stream is between frames (where Candor may
 * put a close frame of its own) and what the first close frame said (its code and reason, §5.5.1).
 */
final class WebSocketFrames {
    private static final int OPCODE_CLOSE = 0x8;
    /** A control frame's payload is at most 125 bytes (§5.5). */
    private static final int MAX_CONTROL_PAYLOAD = 125;

    /** The close frame that passed first: its code (null when it had none) and reason. */
    record Close(Integer code, String reason) {
    }

    private final byte[] header = new byte[14];
    private int headerRead;
    private int headerLength = 2;
    private long payloadLeft;
    private boolean inPayload;
    private int opcode;
    private final byte[] mask = new byte[4];
    private boolean masked;
    private byte[] closePayload;
    private int closeRead;
    private Close close;

    /** Reads the frame structure of {@code bytes} (from its reader index, which is not moved). */
    void scan(ByteBuf bytes) {
        int i = bytes.readerIndex();
        int end = bytes.writerIndex();
        while (i < end) {
            if (!inPayload) {
                header[headerRead++] = bytes.getByte(i++);
                if (headerRead == 2) {
                    int len = header[1] & 0x7f;
                    masked = (header[1] & 0x80) != 0;
                    headerLength = 2 + (len == 126 ? 2 : len == 127 ? 8 : 0) + (masked ? 4 : 0);
                }
                if (headerRead == headerLength) {
                    headerComplete();
                }
            } else {
                int n = (int) Math.min(payloadLeft, end - i);
                if (closePayload != null) {
                    for (int k = 0; k < n && closeRead < closePayload.length; k++) {
                        byte b = bytes.getByte(i + k);
                        closePayload[closeRead] = masked ? (byte) (b ^ mask[closeRead & 3]) : b;
                        closeRead++;
                    }
                }
                i += n;
                payloadLeft -= n;
                if (payloadLeft == 0) {
                    frameComplete();
                }
            }
        }
    }

    private void headerComplete() {
        opcode = header[0] & 0x0f;
        int len = header[1] & 0x7f;
        int at = 2;
        long payload = len;
        if (len == 126) {
            payload = ((header[2] & 0xffL) << 8) | (header[3] & 0xffL);
            at = 4;
        } else if (len == 127) {
            payload = 0;
            for (int k = 0; k < 8; k++) {
                payload = (payload << 8) | (header[2 + k] & 0xffL);
            }
            at = 10;
        }
        if (masked) {
            System.arraycopy(header, at, mask, 0, 4);
        }
        headerRead = 0;
        headerLength = 2;
        payloadLeft = payload;
        closePayload = opcode == OPCODE_CLOSE && close == null
                ? new byte[(int) Math.min(payload, MAX_CONTROL_PAYLOAD)] : null;
        closeRead = 0;
        if (payload == 0) {
            frameComplete();
        } else {
            inPayload = true;
        }
    }

    private void frameComplete() {
        inPayload = false;
        if (closePayload != null) {
            close = closePayload.length >= 2
                    ? new Close(((closePayload[0] & 0xff) << 8) | (closePayload[1] & 0xff),
                    new String(closePayload, 2, closePayload.length - 2, StandardCharsets.UTF_8))
                    : new Close(null, null);
            closePayload = null;
        }
    }

    /** The first close frame seen, or null. */
    Close close() {
        return close;
    }

    /** True between frames: a frame of Candor's own would not split one of the peer's. */
    boolean betweenFrames() {
        return !inPayload && headerRead == 0;
    }

    /**
     * A close frame with {@code code} and {@code reason}, as a server sends it to a client (unmasked), or,
     * with {@code mask}, as a client sends it to a server (§5.3: client frames are masked).
     */
    static void writeClose(ByteBuf out, int code, String reason, byte[] mask) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(2 + text.length, MAX_CONTROL_PAYLOAD);
        byte[] payload = new byte[length];
        payload[0] = (byte) (code >> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, length - 2);
        out.writeByte(0x80 | OPCODE_CLOSE);
        if (mask == null) {
            out.writeByte(length);
            out.writeBytes(payload);
            return;
        }
        out.writeByte(0x80 | length);
        out.writeBytes(mask);
        for (int k = 0; k < length; k++) {
            out.writeByte(payload[k] ^ mask[k & 3]);
        }
    }
}
