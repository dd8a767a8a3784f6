package dev.candor.doctor;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * One upstream of another proxy as the doctor probes it: its servers, how the proxy talks to them, its
 * timeouts and pooling, each with the directive that sets it and where.
 *
 * @param name the name the report uses (letters, digits, {@code .}, {@code _}, {@code -})
 * @param label how advice names the upstream, e.g. {@code upstream api at /etc/nginx/nginx.conf:12}
 * @param idle how long the proxy keeps an idle connection for reuse; zero when it does not reuse them
 * @param noReuse why connections are not reused (when {@code idle} is zero), in the proxy's terms, or null
 * @param health the proxy's health check request, or null when it has none
 */
record ForeignUpstream(String name, String label, List<Server> servers, Tls tls, ForeignSetting connect,
                       ForeignSetting response, ForeignSetting idle, String noReuse, Health health) {

    /** A server line: {@code host:port} and the directive that names it. */
    record Server(String address, String directive) {
    }

    /** TLS to the servers: the certificate check, SNI name and CA file as the proxy sets them. */
    record Tls(boolean verify, String sni, String ca) {
    }

    /**
     * The proxy's own health check and the directive that configures it.
     *
     * @param type {@code http} (then {@code path} and {@code host} are the request), {@code tcp} (a connect), or
     *             another the doctor does not repeat (a protocol-specific check)
     */
    record Health(String type, String path, String host, String directive) {
    }

    ForeignUpstream {
        requireNonNull(name, "name");
        requireNonNull(label, "label");
        servers = List.copyOf(servers);
        requireNonNull(connect, "connect");
        requireNonNull(response, "response");
        requireNonNull(idle, "idle");
    }
}
