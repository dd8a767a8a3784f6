package dev.candor.proxy;

import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;

import java.util.List;

/** One route's ordered filters ({@link FilterChains} builds them): forward for the request, backward for the response. */
final class FilterChain {
    /** Header rules only: the chain of a route that asks for nothing more. */
    static final FilterChain DEFAULT = new FilterChain(List.of(HeaderRulesFilter.INSTANCE));

    private final ProxyFilter[] filters;

    FilterChain(List<ProxyFilter> filters) {
        this.filters = filters.toArray(ProxyFilter[]::new);
    }

    /** Runs the request side; the first refusal or answer ends it. */
    ProxyFilter.Stop onRequest(ProxyFilter.FilterContext exchange, HttpRequest request) {
        return onRequest(exchange, request, 0);
    }

    /**
     * Runs the request side from filter {@code from} on; the first refusal or answer ends it. A deferred
     * refusal is returned with the index to resume at ({@link ProxyFilter.Refusal#resumeAt}) once it says go on.
     */
    ProxyFilter.Stop onRequest(ProxyFilter.FilterContext exchange, HttpRequest request, int from) {
        for (int i = from; i < filters.length; i++) {
            ProxyFilter.Stop r = filters[i].onRequest(exchange, request);
            if (r != null) {
                return r instanceof ProxyFilter.Refusal d && d.isDeferred()
                        ? new ProxyFilter.Refusal(null, null, null, null, 0, d.later(), i + 1) : r;
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
