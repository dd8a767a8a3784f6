package dev.candor.proxy;

import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;

import java.util.List;

/** The ordered filters of one config snapshot: forward for the request, backward for the response. */
final class FilterChain {
    /** Header rules only: what every route gets today. */
    static final FilterChain DEFAULT = new FilterChain(List.of(HeaderRulesFilter.INSTANCE));

    private final ProxyFilter[] filters;

    FilterChain(List<ProxyFilter> filters) {
        this.filters = filters.toArray(ProxyFilter[]::new);
    }

    /** Runs the request side; the first refusal ends it. */
    ProxyFilter.Refusal onRequest(ProxyFilter.FilterContext exchange, HttpRequest request) {
        return onRequest(exchange, request, 0);
    }

    /**
     * Runs the request side from filter {@code from} on; the first refusal ends it. A deferred answer is
     * returned with the index to resume at ({@link ProxyFilter.Refusal#resumeAt}) once it says go on.
     */
    ProxyFilter.Refusal onRequest(ProxyFilter.FilterContext exchange, HttpRequest request, int from) {
        for (int i = from; i < filters.length; i++) {
            ProxyFilter.Refusal r = filters[i].onRequest(exchange, request);
            if (r != null) {
                return r.isDeferred() ? new ProxyFilter.Refusal(null, null, null, null, 0, r.later(), i + 1) : r;
            }
        }
        return null;
    }

    /** Runs the response side, last filter first. */
    void onResponse(ProxyFilter.FilterContext exchange, HttpResponse response) {
        for (int i = filters.length - 1; i >= 0; i--) {
            filters[i].onResponse(exchange, response);
        }
    }
}
