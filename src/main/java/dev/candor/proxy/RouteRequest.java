package dev.candor.proxy;

import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.util.List;
import java.util.Map;

/**
 * What routing looks at in one request: host, target, method and headers. The path without its query and
 * the decoded query parameters are worked out only when a route asks for them, and then once.
 */
final class RouteRequest {
    final String host;
    final String uri;
    final HttpMethod method;
    final HttpHeaders headers;
    private String path;
    private Map<String, List<String>> query;

    /**
     * @param host the request's host, lower case, without port; null when the request has none
     * @param uri the request target in origin form, query included
     */
    RouteRequest(String host, String uri, HttpMethod method, HttpHeaders headers) {
        this.host = host;
        this.uri = uri;
        this.method = method;
        this.headers = headers == null ? EmptyHttpHeaders.INSTANCE : headers;
    }

    /** The path without the query. */
    String path() {
        if (path == null) {
            int q = uri.indexOf('?');
            path = q < 0 ? uri : uri.substring(0, q);
        }
        return path;
    }

    /** The query string without its '?', or null when the target has none. */
    String rawQuery() {
        int q = uri.indexOf('?');
        return q < 0 ? null : uri.substring(q + 1);
    }

    /** Every decoded value of query parameter {@code name}, in order; empty when absent. */
    List<String> queryValues(String name) {
        if (query == null) {
            try {
                query = new QueryStringDecoder(uri).parameters();
            } catch (IllegalArgumentException e) {
                // A broken percent-escape (%zz): no parameter can be said to have a value, so none matches.
                query = Map.of();
            }
        }
        List<String> values = query.get(name);
        return values == null ? List.of() : values;
    }
}
