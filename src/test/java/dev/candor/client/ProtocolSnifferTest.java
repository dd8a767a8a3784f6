package dev.candor.client;

import dev.candor.failure.Signal;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ProtocolSnifferTest {
    private final Captured captured = new Captured();
    private final EmbeddedChannel channel = new EmbeddedChannel(new ProtocolSniffer(), captured);

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
        captured.reads.stream().filter(b -> b.refCnt() > 0).forEach(ByteBuf::release);
    }

    /** Stands in for the HTTP codec: records what the sniffer let through and what it raised. */
    private static final class Captured extends ChannelInboundHandlerAdapter {
        final List<ByteBuf> reads = new ArrayList<>();
        final List<Throwable> errors = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            reads.add((ByteBuf) msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.add(cause);
        }
    }

    private static ByteBuf hex(String hex) {
        return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex.replace(" ", "")));
    }

    private ProtocolMismatchException mismatchAfterReading(ByteBuf first) {
        channel.writeInbound(first);

        assertThat(captured.reads).as("bytes passed to the codec").isEmpty();
        assertThat(first.refCnt()).as("the sniffed buffer is released").isZero();
        assertThat(captured.errors).singleElement().isInstanceOf(ProtocolMismatchException.class);
        assertThat(channel.pipeline().get(ProtocolSniffer.class)).isNull();
        return (ProtocolMismatchException) captured.errors.get(0);
    }

    @Test
    void aTlsAlertRecordMeansThePortExpectsHttps() {
        ProtocolMismatchException e = mismatchAfterReading(hex("15 03 03 00 02 02 28"));

        assertThat(e.signal()).isEqualTo(Signal.TLS_RECORD);
        assertThat(e.getMessage()).contains("TLS record", "15030300020228", "HTTPS");
    }

    @Test
    void aTlsHandshakeRecordMeansThePortExpectsHttps() {
        ProtocolMismatchException e = mismatchAfterReading(hex("16 03 01 00 31 02 00 00 2d 03 03 aa bb cc dd ee ff"
                + " 00 11 22 33 44 55 66 77"));

        assertThat(e.signal()).isEqualTo(Signal.TLS_RECORD);
        assertThat(e.getMessage()).contains("16030100310200002d0303aabbccddee")
                .doesNotContain("16030100310200002d0303aabbccddeeff"); // the first 16 bytes only
    }

    @Test
    void anEmptySettingsFrameOnStreamZeroMeansAnH2OnlyServer() {
        ProtocolMismatchException e = mismatchAfterReading(hex("00 00 00 04 00 00 00 00 00"));

        assertThat(e.signal()).isEqualTo(Signal.HTTP2_PREFACE);
        assertThat(e.getMessage()).contains("HTTP/2");
    }

    @Test
    void aSettingsFrameWithParametersMeansAnH2OnlyServer() {
        ProtocolMismatchException e = mismatchAfterReading(hex("00 00 0c 04 00 00 00 00 00"
                + " 00 03 00 00 00 64 00 04 00 01 00 00"));

        assertThat(e.signal()).isEqualTo(Signal.HTTP2_PREFACE);
    }

    @Test
    void aGoawayFrameMeansAnH2OnlyServer() {
        ProtocolMismatchException e = mismatchAfterReading(hex("00 00 08 07 00 00 00 00 00 00 00 00 00 00 00 00 01"));

        assertThat(e.signal()).isEqualTo(Signal.HTTP2_PREFACE);
    }

    @Test
    void anEchoedClientPrefaceMeansAnH2OnlyServer() {
        ProtocolMismatchException e = mismatchAfterReading(
                Unpooled.copiedBuffer("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", StandardCharsets.US_ASCII));

        assertThat(e.signal()).isEqualTo(Signal.HTTP2_PREFACE);
    }

    @Test
    void anHttp11ResponsePassesThroughUntouchedAndTheSnifferRemovesItself() {
        String response = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        ByteBuf first = Unpooled.copiedBuffer(response, StandardCharsets.US_ASCII);

        channel.writeInbound(first);

        assertThat(captured.errors).isEmpty();
        assertThat(captured.reads).singleElement().isSameAs(first);
        assertThat(first.refCnt()).isEqualTo(1);
        assertThat(first.toString(StandardCharsets.US_ASCII)).isEqualTo(response);
        assertThat(channel.pipeline().get(ProtocolSniffer.class)).isNull();
    }

    @Test
    void aSecondReadIsNeverInspected() {
        channel.writeInbound(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\n", StandardCharsets.US_ASCII));
        ByteBuf second = hex("15 03 03 00 02 02 28");

        channel.writeInbound(second);

        assertThat(captured.errors).isEmpty();
        assertThat(captured.reads).hasSize(2).last().isSameAs(second);
        assertThat(second.refCnt()).isEqualTo(1);
        assertThat(ByteBufUtil.hexDump(second)).isEqualTo("15030300020228");
    }

    @Test
    void bytesThatOnlyLookLikeAFrameHeaderOnAStreamAreNotMistakenForHttp2() {
        ByteBuf first = hex("00 00 00 04 00 00 00 00 01");

        channel.writeInbound(first);

        assertThat(captured.errors).isEmpty();
        assertThat(captured.reads).singleElement().isSameAs(first);
    }
}
