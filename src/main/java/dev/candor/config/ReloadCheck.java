package dev.candor.config;

import java.util.List;
import java.util.Objects;

/**
 * The settings a running process cannot take over on reload, because they shape what was built at
 * start-up (bound sockets, event-loop threads, the open access log, the client connection limit, the
 * DNS resolver, the journal file). The admin token and listeners' certificates are not among them: a reload rotates the
 * token and serves the certificates the new file names to new connections. A
 * reload that changes one is refused as a whole, so the running config never ends up half applied.
 */
final class ReloadCheck {
    private static final String RESTART = "cannot change on reload; restart Candor to apply it"
            + " (the running config is kept)";

    private ReloadCheck() {
    }

    static void compare(CandorConfig running, CandorConfig next, Problems problems) {
        if (!sameSockets(running.listeners(), next.listeners())) {
            problems.at("listeners", RESTART);
        }
        // The token may change (rotate it with a reload); the listener itself may not.
        if (running.admin().enabled() != next.admin().enabled()
                || !java.util.Objects.equals(running.admin().address(), next.admin().address())) {
            problems.at("admin", RESTART);
        }
        if (running.workers() != next.workers()) {
            problems.at("workers", RESTART);
        }
        if (!running.accessLog().equals(next.accessLog())) {
            problems.at("access_log", RESTART);
        }
        // The resolver is built at start-up; an upstream's own dns keys (refresh, srv) do reload.
        if (!running.dns().equals(next.dns())) {
            problems.at("dns", RESTART);
        }
        // The journal file is opened once, at start-up.
        if (!running.journal().equals(next.journal())) {
            problems.at("journal", RESTART);
        }
        if (running.limits().maxConnections() != next.limits().maxConnections()) {
            problems.at("limits.max_connections", RESTART);
        }
        // The store's client is made at start-up; trusted_proxies and the routes' rules do reload.
        if (!Objects.equals(running.edge().rateLimitStore(), next.edge().rateLimitStore())) {
            problems.at("rate_limit_store", RESTART);
        }
    }

    /**
     * Whether the listeners are the same but for their certificates: those a reload takes over (new
     * paths, or the same paths with renewed contents, as after {@code certbot renew} and a SIGHUP).
     */
    static boolean sameSockets(List<ListenerConfig> running, List<ListenerConfig> next) {
        if (running.size() != next.size()) {
            return false;
        }
        for (int i = 0; i < running.size(); i++) {
            ListenerConfig a = running.get(i);
            ListenerConfig b = next.get(i);
            if (!a.name().equals(b.name()) || !a.address().equals(b.address()) || a.redirectToHttps() != b.redirectToHttps()
                    || a.proxyProtocol() != b.proxyProtocol() || (a.tls() == null) != (b.tls() == null)) {
                return false;
            }
            if (a.tls() != null && (!a.tls().protocols().equals(b.tls().protocols())
                    || !a.tls().minVersion().equals(b.tls().minVersion())
                    || !Objects.equals(a.tls().hsts(), b.tls().hsts()))) {
                return false;
            }
        }
        return true;
    }
}
