package dev.candor.proxy;

import com.google.re2j.Pattern;
import dev.candor.config.RouteActionsConfig.RewriteConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AsciiString;

/**
 * A route's {@code rewrite}: the path sent upstream (never the query) loses a prefix, trades one prefix for
 * another, or has an RE2 pattern replaced; the Host sent upstream may be set. The access log keeps the
 * request as the client sent it; {@code X-Forwarded-Host} keeps the client's host.
 */
final class RewriteFilter implements ProxyFilter {
    static final AsciiString X_FORWARDED_PREFIX = AsciiString.cached("x-forwarded-prefix");

    private final RewriteConfig config;
    private final Pattern regex;

    RewriteFilter(RewriteConfig config) {
        this.config = config;
        this.regex = config.regex() == null ? null : Pattern.compile(config.regex());
    }

    @Override
    public Stop onRequest(FilterContext x, HttpRequest request) {
        String uri = request.uri();
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        String rewritten = rewrite(path);
        if (rewritten != null && !rewritten.equals(path)) {
            // A regex replacement may add a query of its own; the client's parameters follow it.
            String query = q < 0 ? "" : rewritten.indexOf('?') >= 0 ? "&" + uri.substring(q + 1) : uri.substring(q);
            request.setUri(rewritten + query);
            if (config.stripPrefix() != null) {
                // As Traefik does: the application can rebuild its public links from it.
                request.headers().set(X_FORWARDED_PREFIX, config.stripPrefix());
            }
        }
        if (config.host() != null) {
            request.headers().set(HttpHeaderNames.HOST, config.host());
        }
        return null;
    }

    /** The path sent upstream, or null when no path rewrite applies to it. */
    String rewrite(String path) {
        if (config.stripPrefix() != null) {
            String p = config.stripPrefix();
            return path.startsWith(p) ? absolute(path.substring(p.length())) : null;
        }
        if (config.prefixFrom() != null) {
            return path.startsWith(config.prefixFrom()) ? config.prefixTo() + path.substring(config.prefixFrom().length()) : null;
        }
        if (regex != null) {
            return absolute(regex.matcher(path).replaceAll(config.replacement()));
        }
        return null;
    }

    /** A path upstream always starts with '/' (RFC 9112 §3.2.1 origin form). */
    private static String absolute(String path) {
        return path.startsWith("/") ? path : "/" + path;
    }
}
