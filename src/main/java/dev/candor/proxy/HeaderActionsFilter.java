package dev.candor.proxy;

import dev.candor.config.RouteActionsConfig.HeaderActionsConfig;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;

import java.util.Map;

/**
 * A route's {@code headers}: fields removed and set on the request after the header rules (so a route may
 * replace what Candor adds), and on the response before them (so a route cannot reveal what the rules hide,
 * such as {@code Server}). Removals come first, so one route can replace a field by setting it.
 */
final class HeaderActionsFilter implements ProxyFilter {
    private final String[] requestRemove;
    private final String[][] requestSet;
    private final String[] responseRemove;
    private final String[][] responseSet;

    HeaderActionsFilter(HeaderActionsConfig request, HeaderActionsConfig response) {
        this.requestRemove = request.remove().toArray(String[]::new);
        this.requestSet = pairs(request.set());
        this.responseRemove = response.remove().toArray(String[]::new);
        this.responseSet = pairs(response.set());
    }

    private static String[][] pairs(Map<String, String> set) {
        return set.entrySet().stream().map(e -> new String[] {e.getKey(), e.getValue()}).toArray(String[][]::new);
    }

    @Override
    public Stop onRequest(FilterContext x, HttpRequest request) {
        apply(request.headers(), requestRemove, requestSet);
        return null;
    }

    @Override
    public void onResponse(FilterContext x, HttpResponse response) {
        apply(response.headers(), responseRemove, responseSet);
    }

    @Override
    public void onAnswer(FilterContext x, HttpResponse response) {
        apply(response.headers(), responseRemove, responseSet);
    }

    private static void apply(HttpHeaders headers, String[] remove, String[][] set) {
        for (String name : remove) {
            headers.remove(name);
        }
        for (String[] pair : set) {
            headers.set(pair[0], pair[1]);
        }
    }
}
