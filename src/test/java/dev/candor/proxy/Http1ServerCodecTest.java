package dev.candor.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Http1ServerCodecTest {

    private final EmbeddedChannel channel = new EmbeddedChannel(new Http1ServerCodec(new HttpDecoderConfig()));

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    @Test
    void aValidRequestLineIsDecodedAsSent() {
        channel.writeInbound(ascii("GET /a?b=c HTTP/1.1\r\nHost: t\r\n\r\n"));

        HttpRequest request = channel.readInbound();
        assertThat(request.decoderResult().isSuccess()).isTrue();
        assertThat(request.uri()).isEqualTo("/a?b=c");
        ReferenceCountUtil.release(channel.readInbound()); // the empty end
    }

    @Test
    void aRequestLineWithExtraWhitespaceFailsWithTheReason() {
        channel.writeInbound(ascii("GET  /a HTTP/1.1\r\nHost: t\r\n\r\n"));

        HttpRequest request = channel.readInbound();
        assertThat(request.decoderResult().isFailure()).isTrue();
        assertThat(request.decoderResult().cause()).hasMessageContaining("single space");
    }

    @Test
    void theResponseToAHeadIsEncodedWithoutBodyFramingWhateverItsHeadersSay() {
        channel.writeInbound(ascii("HEAD /a HTTP/1.1\r\nHost: t\r\n\r\nGET /b HTTP/1.1\r\nHost: t\r\n\r\n"));
        drainInbound();

        channel.writeOutbound(chunkedOk(), LastHttpContent.EMPTY_LAST_CONTENT);
        assertThat(readOutbound()).endsWith("\r\n\r\n").doesNotContain("0\r\n\r\n");

        channel.writeOutbound(chunkedOk(), LastHttpContent.EMPTY_LAST_CONTENT);
        assertThat(readOutbound()).as("the GET's response keeps its chunked end").endsWith("0\r\n\r\n");
    }

    @Test
    void aClientPipeliningMoreThanTheDepthIsCutOff() {
        String many = "GET / HTTP/1.1\r\nHost: t\r\n\r\n".repeat(Http1ServerCodec.MAX_PIPELINE_DEPTH + 1);

        assertThatThrownBy(() -> channel.writeInbound(ascii(many))).isInstanceOf(DecoderException.class)
                .hasMessageContaining("pipelined");
        int requests = 0;
        Object msg;
        while ((msg = channel.readInbound()) != null) {
            requests += msg instanceof HttpRequest ? 1 : 0;
            ReferenceCountUtil.release(msg);
        }
        assertThat(requests).isEqualTo(Http1ServerCodec.MAX_PIPELINE_DEPTH);
    }

    private static DefaultHttpResponse chunkedOk() {
        DefaultHttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        return response;
    }

    private void drainInbound() {
        Object msg;
        while ((msg = channel.readInbound()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }

    private String readOutbound() {
        StringBuilder out = new StringBuilder();
        ByteBuf buf;
        while ((buf = channel.readOutbound()) != null) {
            out.append(buf.toString(StandardCharsets.ISO_8859_1));
            buf.release();
        }
        return out.toString();
    }
}
