package dev.candor.proxy;

import dev.candor.config.RouteActionsConfig.RespondConfig;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

/** A route's {@code respond}: a fixed status, body and content type, answered without any upstream. Not an error. */
final class RespondFilter implements ProxyFilter {
    private final HttpResponseStatus status;
    private final String body;
    private final String contentType;

    RespondFilter(RespondConfig config) {
        this.status = HttpResponseStatus.valueOf(config.status());
        this.body = config.body();
        this.contentType = config.contentType();
    }

    @Override
    public Stop onRequest(FilterContext x, HttpRequest request) {
        HttpHeaders headers = new DefaultHttpHeaders();
        if (!body.isEmpty()) {
            headers.set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        return new Answer(status, headers, body);
    }
}
