package dev.candor.proxy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Any bytes a client may send, through the client codec and the head checks. Whatever passes must be
 * something Candor can re-serialise into exactly one request that reads back the same: no input may
 * make the bytes Candor writes upstream mean something else (request smuggling), and nothing may throw
 * out of the checks.
 */
class RequestHeadFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void whatPassesTheChecksReSerialisesToTheSameSingleRequest(byte[] input) {
        EmbeddedChannel client = new EmbeddedChannel(new Http1ServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(8192).setMaxHeaderSize(16384).setStrictLineParsing(true)
                .setValidateHeaders(true).setAllowDuplicateContentLengths(false)));
        List<HttpObject> decoded = new ArrayList<>();
        try {
            client.writeInbound(Unpooled.wrappedBuffer(input));
        } catch (RuntimeException tooDeep) {
            // more pipelined requests than allowed: the connection is closed; what came before still counts
        }
        Object msg;
        while ((msg = client.readInbound()) != null) {
            decoded.add((HttpObject) msg);
        }
        try {
            for (HttpObject o : decoded) {
                if (o instanceof HttpRequest request && request.decoderResult().isSuccess()) {
                    Object checked = RequestCheck.check(request, 8192, 0);
                    if (checked instanceof RequestCheck.Target) {
                        HeaderRules.forwardRequest(request.headers(), "192.0.2.1", "http", null, "id", false);
                        assertRoundTrip(request);
                    }
                } else if (o instanceof HttpContent piece) {
                    RequestCheck.bodyPiece(piece, 0, 0);
                }
            }
        } finally {
            decoded.forEach(ReferenceCountUtil::release);
            client.finishAndReleaseAll();
        }
    }

    /** The head Candor would write upstream decodes, with a plain decoder, to one request with the same parts. */
    private static void assertRoundTrip(HttpRequest request) {
        EmbeddedChannel encoder = new EmbeddedChannel(new HttpRequestEncoder());
        encoder.writeOutbound(request, LastHttpContent.EMPTY_LAST_CONTENT);
        ByteBuf wire = Unpooled.buffer();
        ByteBuf piece;
        while ((piece = encoder.readOutbound()) != null) {
            wire.writeBytes(piece);
            piece.release();
        }
        EmbeddedChannel backend = new EmbeddedChannel(new HttpRequestDecoder());
        backend.writeInbound(wire);
        List<HttpRequest> heads = new ArrayList<>();
        Object msg;
        while ((msg = backend.readInbound()) != null) {
            if (msg instanceof HttpRequest r) {
                heads.add(r);
            }
            ReferenceCountUtil.release(msg);
        }
        assertThat(heads).hasSize(1);
        HttpRequest seen = heads.get(0);
        assertThat(seen.decoderResult().isSuccess()).isTrue();
        assertThat(seen.method()).isEqualTo(request.method());
        assertThat(seen.uri()).isEqualTo(request.uri());
        List<Map.Entry<String, String>> sent = request.headers().entries();
        assertThat(seen.headers().entries()).hasSameSizeAs(sent);
        for (int i = 0; i < sent.size(); i++) {
            assertThat(seen.headers().entries().get(i).getKey()).isEqualToIgnoringCase(sent.get(i).getKey());
            assertThat(seen.headers().entries().get(i).getValue()).isEqualTo(sent.get(i).getValue().strip());
        }
        encoder.finishAndReleaseAll();
        backend.finishAndReleaseAll();
    }
}
