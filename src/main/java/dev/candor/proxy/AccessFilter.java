package dev.candor.proxy;

import dev.candor.config.AccessConfig;
import dev.candor.config.Cidr;
import dev.candor.failure.Actor;
import dev.candor.failure.Cause;
import dev.candor.failure.Phase;
import dev.candor.failure.Signal;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A route's {@code access} rules: 403 {@code http_request_denied} for a client address in {@code deny}, or
 * in none of the {@code allow} blocks when some are set. Deny wins. The rule that decided is named in the
 * evidence, so "why was I refused?" has an answer in the access log and {@code /api/errors}.
 */
final class AccessFilter implements ProxyFilter {
    private static final Cause DENIED = new Cause(Phase.CLIENT_REQUEST, Actor.PROXY, Signal.DENIED, null);

    private final String route;
    private final String path;
    private final List<Cidr> allow;
    private final List<Cidr> deny;

    /** {@code path} is where the rules are written, e.g. {@code routes[0].access}. */
    AccessFilter(String route, String path, AccessConfig config) {
        this.route = requireNonNull(route, "route");
        this.path = requireNonNull(path, "path");
        this.allow = config.allow();
        this.deny = config.deny();
    }

    @Override
    public Refusal onRequest(FilterContext x, HttpRequest request) {
        String client = x.clientIp();
        byte[] address = Cidr.literal(client);
        Cidr denied = Cidr.firstContaining(deny, address);
        if (denied != null) {
            return refuse(client, "matches " + path + ".deny " + denied, path + ".deny: " + denied);
        }
        if (!allow.isEmpty() && Cidr.firstContaining(allow, address) == null) {
            return refuse(client, "is in none of " + path + ".allow " + allow, path + ".allow: " + allow);
        }
        return null;
    }

    private Refusal refuse(String client, String why, String limit) {
        return new Refusal(DENIED, HttpResponseStatus.FORBIDDEN,
                "client " + client + " " + why + " (route " + route + ")", limit);
    }
}
