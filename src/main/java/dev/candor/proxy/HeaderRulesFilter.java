package dev.candor.proxy;

import dev.candor.config.ErrorsConfig;
import dev.candor.failure.ProxyStatus;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * The first filter: {@link HeaderRules} both ways (the upgrade headers of a protocol switch kept), the
 * intermediary's own HTTP version on requests (RFC 9110 §2.5), and the received-status marker on an
 * upstream's own 5xx.
 */
final class HeaderRulesFilter implements ProxyFilter {
    static final HeaderRulesFilter INSTANCE = new HeaderRulesFilter();

    private HeaderRulesFilter() {
    }

    @Override
    public Refusal onRequest(FilterContext x, HttpRequest request) {
        boolean chunked = HttpUtil.isTransferEncodingChunked(request);
        HeaderRules.forwardRequest(request.headers(), x.clientIp(), x.scheme(), x.hostHeader(), x.requestId(),
                chunked, x.upgrade() == null ? null : request.headers().get(HttpHeaderNames.UPGRADE));
        long hops = MaxForwards.remaining(request);
        if (hops > 0) {
            MaxForwards.decrement(request, hops);
        }
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
        return null;
    }

    @Override
    public void onResponse(FilterContext x, HttpResponse response) {
        int code = response.status().code();
        String upgrade = code == 101 ? response.headers().get(HttpHeaderNames.UPGRADE) : null;
        HeaderRules.forwardResponse(response.headers(), x.requestId(), upgrade);
        if (code >= 500 && x.context().expose() != ErrorsConfig.Expose.NONE) {
            // Not Candor's error: say so, so "who made this 502?" has an answer (RFC 9209 received-status).
            response.headers().set(HeaderRules.PROXY_STATUS, ProxyStatus.forReceivedStatus(code));
        }
    }
}
