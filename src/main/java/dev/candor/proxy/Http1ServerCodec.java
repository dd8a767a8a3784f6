package dev.candor.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The client side's HTTP/1.1 codec: Netty's request decoder made strict about the request line, and a
 * response encoder that knows which responses answer a HEAD.
 *
 * <p>Netty's decoder splits the request line on any run of whitespace and upper-cases the version, so
 * {@code GET  /x http/1.1} would reach the proxy as a clean {@code GET /x HTTP/1.1}. RFC 9112 §3 allows
 * exactly one SP between the three parts and a case-sensitive {@code HTTP/DIGIT.DIGIT}; a proxy that
 * repairs what its backend might read differently invites request smuggling, so such lines are refused
 * here (the decoder turns the exception into a failed request, which is answered 400 and closed).
 *
 * <p>Responses are matched to requests in order, as pipelining requires: a response to HEAD has no body
 * whatever its framing headers say.
 */
public final class Http1ServerCodec extends CombinedChannelDuplexHandler<HttpRequestDecoder, HttpResponseEncoder> {
    /** Requests decoded but not yet answered, beyond which a client's pipeline is refused. */
    static final int MAX_PIPELINE_DEPTH = 128;

    /** For each request not yet answered, in order: whether it was a HEAD. Made with the first request. */
    private ArrayDeque<Boolean> unanswered;

    public Http1ServerCodec(HttpDecoderConfig config) {
        init(new StrictRequestDecoder(config), new ResponseEncoder());
    }

    private final class StrictRequestDecoder extends HttpRequestDecoder {
        private boolean discard;

        StrictRequestDecoder(HttpDecoderConfig config) {
            super(config);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
            if (discard) {
                buffer.skipBytes(buffer.readableBytes());
                return;
            }
            int before = out.size();
            super.decode(ctx, buffer, out);
            for (int i = before; i < out.size(); i++) {
                if (out.get(i) instanceof HttpRequest request) {
                    if (unanswered == null) {
                        unanswered = new ArrayDeque<>(4);
                    }
                    if (unanswered.size() >= MAX_PIPELINE_DEPTH) {
                        discard = true;
                        for (int j = i; j < out.size(); j++) {
                            ReferenceCountUtil.release(out.get(j));
                        }
                        out.subList(i, out.size()).clear();
                        throw new IllegalStateException("more than " + MAX_PIPELINE_DEPTH + " pipelined requests");
                    }
                    unanswered.addLast(HttpMethod.HEAD.equals(request.method()));
                }
            }
        }

        @Override
        protected String splitSecondWordInitialLine(byte[] line, int start, int length) {
            requireSingleSpaceBefore(line, start, "request target");
            return super.splitSecondWordInitialLine(line, start, length);
        }

        @Override
        protected String splitThirdWordInitialLine(byte[] line, int start, int length) {
            requireSingleSpaceBefore(line, start, "HTTP version");
            if (length != 8 || line[start] != 'H' || line[start + 1] != 'T' || line[start + 2] != 'T'
                    || line[start + 3] != 'P' || line[start + 4] != '/' || !isDigit(line[start + 5])
                    || line[start + 6] != '.' || !isDigit(line[start + 7])) {
                throw new IllegalArgumentException("the HTTP version must be HTTP/DIGIT.DIGIT, in upper case");
            }
            return super.splitThirdWordInitialLine(line, start, length);
        }
    }

    /**
     * The word at {@code start} follows the previous one after exactly one SP: the decoder has already
     * skipped any run of whitespace, so look back at what it skipped.
     */
    private static void requireSingleSpaceBefore(byte[] line, int start, String what) {
        if (line[start - 1] != ' ' || isWhitespace(line[start - 2])) {
            throw new IllegalArgumentException("the " + what + " must follow a single space in the request line");
        }
    }

    private static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\t' || b == 0x0b || b == '\f' || b == '\r';
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private final class ResponseEncoder extends HttpResponseEncoder {
        @Override
        protected boolean isContentAlwaysEmpty(HttpResponse response) {
            if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                return super.isContentAlwaysEmpty(response);
            }
            Boolean head = unanswered == null ? null : unanswered.pollFirst();
            return (head != null && head) || super.isContentAlwaysEmpty(response);
        }
    }
}
