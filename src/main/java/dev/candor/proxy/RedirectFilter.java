package dev.candor.proxy;

import dev.candor.config.RouteActionsConfig.RedirectConfig;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.ArrayList;
import java.util.List;

/**
 * A route's {@code redirect}: answers with the configured status and a {@code Location} made from its
 * template, where {@code {path}}, {@code {query}} ({@code ?} and the query, or nothing), {@code {uri}} (path
 * and query) and {@code {host}} (without port) come from the request. A redirect is an answer, not an error.
 */
final class RedirectFilter implements ProxyFilter {
    private final HttpResponseStatus status;
    /** The template cut into literal text and placeholder names, alternating, starting with text. */
    private final String[] parts;

    RedirectFilter(RedirectConfig config) {
        this.status = HttpResponseStatus.valueOf(config.status());
        this.parts = split(config.to());
    }

    private static String[] split(String template) {
        List<String> parts = new ArrayList<>();
        int from = 0;
        for (int open = template.indexOf('{'); open >= 0; open = template.indexOf('{', from)) {
            int close = template.indexOf('}', open);
            parts.add(template.substring(from, open));
            parts.add(template.substring(open + 1, close));
            from = close + 1;
        }
        parts.add(template.substring(from));
        return parts.toArray(String[]::new);
    }

    @Override
    public Stop onRequest(FilterContext x, HttpRequest request) {
        HttpHeaders headers = new DefaultHttpHeaders();
        headers.set(HttpHeaderNames.LOCATION, location(request.uri(), x.hostHeader()));
        return new Answer(status, headers, "");
    }

    String location(String uri, String hostHeader) {
        StringBuilder b = new StringBuilder(64);
        int q = uri.indexOf('?');
        for (int i = 0; i < parts.length; i++) {
            if (i % 2 == 0) {
                b.append(parts[i]);
                continue;
            }
            switch (parts[i]) {
                case "path" -> b.append(uri, 0, q < 0 ? uri.length() : q);
                case "query" -> b.append(q < 0 ? "" : uri.substring(q));
                case "uri" -> b.append(uri);
                case "host" -> b.append(hostHeader == null ? "" : RequestCheck.hostWithoutPort(hostHeader));
                default -> throw new IllegalStateException("placeholder checked at load: " + parts[i]);
            }
        }
        return b.toString();
    }
}
