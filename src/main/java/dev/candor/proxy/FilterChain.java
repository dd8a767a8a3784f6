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

    /** Runs the request side; the first refusal or answer ends it. */
    ProxyFilter.Stop onRequest(ProxyFilter.FilterContext exchange, HttpRequest request) {
        for (ProxyFilter f : filters) {
            ProxyFilter.Stop r = f.onRequest(exchange, request);
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    /** Runs every filter's part in a local answer, last filter first. */
    void onAnswer(ProxyFilter.FilterContext exchange, HttpResponse response) {
        for (int i = filters.length - 1; i >= 0; i--) {
            filters[i].onAnswer(exchange, response);
        }
    }

    /** Runs the response side, last filter first. */
    void onResponse(ProxyFilter.FilterContext exchange, HttpResponse response) {
        for (int i = filters.length - 1; i >= 0; i--) {
            filters[i].onResponse(exchange, response);
        }
    }
}
