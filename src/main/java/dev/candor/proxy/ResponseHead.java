package dev.candor.proxy;

import dev.candor.config.ErrorsConfig;
import dev.candor.failure.ProxyStatus;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Turns an upstream's response head into the client's: header rules, the received-status marker, and
 * framing chosen for the client (the upstream's framing is hop-by-hop and does not carry over).
 */
final class ResponseHead {

    /** What the client side of the exchange needs from the head; {@code closeClient} once set stays set. */
    record Decision(boolean reuseUpstream, boolean closeClient) {
    }

    private ResponseHead() {
    }

    /**
     * @param mustClose the client connection cannot be kept (request body unread, no keep-alive, draining)
     */
    static Decision prepare(HttpResponse response, String requestId, ErrorsConfig.Expose expose, boolean mustClose,
                            boolean headRequest, boolean http10) {
        int code = response.status().code();
        boolean reuseUpstream = HttpUtil.isKeepAlive(response);
        boolean chunkedUpstream = HttpUtil.isTransferEncodingChunked(response);
        HttpHeaders h = response.headers();
        HeaderRules.forwardResponse(h, requestId);
        if (code >= 500 && expose != ErrorsConfig.Expose.NONE) {
            // Not Candor's error: say so, so "who made this 502?" has an answer (RFC 9209 received-status).
            h.set(HeaderRules.PROXY_STATUS, ProxyStatus.forReceivedStatus(code));
        }
        boolean close = mustClose;
        boolean bodyless = headRequest || code == 204 || code == 304;
        if (!bodyless && !h.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            if (http10) {
                close = true; // HTTP/1.0 has no chunking: the end of the body is the close
            } else {
                h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            }
        } else if (headRequest && chunkedUpstream && !http10) {
            h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        if (close) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (http10) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        return new Decision(reuseUpstream, close);
    }
}
