package dev.candor.proxy;

import dev.candor.config.RouteActionsConfig;

import java.util.ArrayList;
import java.util.List;

/** Builds a route's filter chain once per config snapshot: header rules, then what the route asks for. */
final class RouteFilters {

    private RouteFilters() {
    }

    static FilterChain of(RouteActionsConfig actions) {
        if (actions.rewrite() == null && actions.requestHeaders().isEmpty() && actions.responseHeaders().isEmpty()
                && !actions.answersItself()) {
            return FilterChain.DEFAULT;
        }
        List<ProxyFilter> filters = new ArrayList<>(4);
        filters.add(HeaderRulesFilter.INSTANCE);
        if (actions.rewrite() != null) {
            filters.add(new RewriteFilter(actions.rewrite()));
        }
        if (!actions.requestHeaders().isEmpty() || !actions.responseHeaders().isEmpty()) {
            filters.add(new HeaderActionsFilter(actions.requestHeaders(), actions.responseHeaders()));
        }
        if (actions.redirect() != null) {
            filters.add(new RedirectFilter(actions.redirect()));
        } else if (actions.respond() != null) {
            filters.add(new RespondFilter(actions.respond()));
        }
        return new FilterChain(filters);
    }
}
