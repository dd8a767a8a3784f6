package dev.candor.config;

/**
 * The settings a running process cannot take over on reload, because they shape what was built at
 * start-up (bound sockets, event-loop threads, the open access log, the client connection limit, the
 * DNS resolver). The
 * admin token is not among them: a reload rotates it. A
 * reload that changes one is refused as a whole, so the running config never ends up half applied.
 */
final class ReloadCheck {
    private static final String RESTART = "cannot change on reload; restart Candor to apply it"
            + " (the running config is kept)";

    private ReloadCheck() {
    }

    static void compare(CandorConfig running, CandorConfig next, Problems problems) {
        if (!running.listeners().equals(next.listeners())) {
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
        if (running.limits().maxConnections() != next.limits().maxConnections()) {
            problems.at("limits.max_connections", RESTART);
        }
    }
}
