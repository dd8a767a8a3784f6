package dev.candor.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;

/**
 * HTTP/1.x framing of a response head for the client: the upstream's framing is hop-by-hop and does not
 * carry over, so the length, chunking and connection persistence are chosen here for the client's
 * version. Header rules ran before (see {@link HeaderRulesFilter}).
 */
final class ResponseHead {

    private ResponseHead() {
    }

    /**
     * @param close the client connection cannot be kept (request body unread, no keep-alive, draining)
     * @param upstreamChunked the upstream sent the body chunked
     * @return whether the client connection closes after this response
     */
    static boolean frame(HttpResponse response, boolean close, boolean headRequest, boolean http10,
                         boolean upstreamChunked) {
        int code = response.status().code();
        HttpHeaders h = response.headers();
        boolean bodyless = headRequest || code == 204 || code == 304;
        if (!bodyless && !h.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            if (http10) {
                close = true; // HTTP/1.0 has no chunking: the end of the body is the close
            } else {
                h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            }
        } else if (headRequest && upstreamChunked && !http10) {
            h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        if (close) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (http10) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        return close;
    }
}
