package dev.candor.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Frames are read as they pass, in whatever pieces TCP delivers them, and never altered. */
class WebSocketFramesTest {
    private static final byte[] MASK = {0x11, 0x22, 0x33, 0x44};

    @Test
    void aCloseFrameFromTheServerGivesItsCodeAndReason() {
        WebSocketFrames frames = new WebSocketFrames();
        ByteBuf bytes = Unpooled.buffer();
        WebSocketFrames.writeClose(bytes, 4001, "server says bye", null);

        frames.scan(bytes);

        assertThat(frames.close()).isEqualTo(new WebSocketFrames.Close(4001, "server says bye"));
        assertThat(frames.betweenFrames()).isTrue();
    }

    @Test
    void aMaskedCloseFrameSplitIntoSingleBytesIsReadAllTheSame() {
        WebSocketFrames frames = new WebSocketFrames();
        ByteBuf bytes = Unpooled.buffer();
        binaryFrame(bytes, 300, MASK); // 16-bit length, masked: the close frame comes behind it
        WebSocketFrames.writeClose(bytes, 1000, "bye", MASK);

        for (int i = 0; i < bytes.writerIndex(); i++) {
            frames.scan(bytes.slice(i, 1));
            if (i == 1) {
                assertThat(frames.betweenFrames()).as("inside a frame header").isFalse();
            }
        }

        assertThat(frames.close()).isEqualTo(new WebSocketFrames.Close(1000, "bye"));
        assertThat(frames.betweenFrames()).isTrue();
    }

    @Test
    void scanningMovesNoIndexAndChangesNoByte() {
        ByteBuf bytes = Unpooled.buffer();
        binaryFrame(bytes, 70_000, MASK); // 64-bit length
        ByteBuf before = bytes.copy();

        new WebSocketFrames().scan(bytes);

        assertThat(bytes.readerIndex()).isZero();
        assertThat(bytes).isEqualTo(before);
    }

    @Test
    void onlyTheFirstCloseFrameCountsAndAnEmptyOneHasNoCode() {
        WebSocketFrames frames = new WebSocketFrames();
        ByteBuf bytes = Unpooled.buffer();
        bytes.writeByte(0x88).writeByte(0); // close without payload
        WebSocketFrames.writeClose(bytes, 1001, "later", null);

        frames.scan(bytes);

        assertThat(frames.close()).isEqualTo(new WebSocketFrames.Close(null, null));
    }

    @Test
    void inTheMiddleOfAFramesPayloadCandorMustNotSpeak() {
        WebSocketFrames frames = new WebSocketFrames();
        ByteBuf bytes = Unpooled.buffer();
        binaryFrame(bytes, 100, null);

        frames.scan(bytes.slice(0, 50));
        assertThat(frames.betweenFrames()).isFalse();
        frames.scan(bytes.slice(50, bytes.writerIndex() - 50));
        assertThat(frames.betweenFrames()).isTrue();
        assertThat(frames.close()).isNull();
    }

    @Test
    void aLongReasonIsCutToTheControlFrameLimit() {
        ByteBuf bytes = Unpooled.buffer();
        WebSocketFrames.writeClose(bytes, 1001, "x".repeat(300), null);
        WebSocketFrames frames = new WebSocketFrames();

        frames.scan(bytes);

        assertThat(bytes.getByte(1)).isEqualTo((byte) 125);
        assertThat(frames.close().reason()).hasSize(123);
    }

    private static void binaryFrame(ByteBuf out, int length, byte[] mask) {
        out.writeByte(0x82);
        int maskBit = mask == null ? 0 : 0x80;
        if (length < 126) {
            out.writeByte(maskBit | length);
        } else if (length <= 0xffff) {
            out.writeByte(maskBit | 126).writeShort(length);
        } else {
            out.writeByte(maskBit | 127).writeLong(length);
        }
        if (mask != null) {
            out.writeBytes(mask);
        }
        byte[] payload = "payload ".repeat(length / 8 + 1).substring(0, length).getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < length; i++) {
            out.writeByte(mask == null ? payload[i] : payload[i] ^ mask[i & 3]);
        }
    }
}
