package dev.candor.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A config file for a proxy on one listener with a catch-all route to one upstream of one endpoint:
 * the shape every process test needs, with the knobs they turn.
 */
final class CandorYaml {
    private final int listenPort;
    private final int backendPort;
    private String accessLog = "off";
    private String shutdownGrace = "10s";
    private String maxBodySize = "10MiB";
    private String responseTimeout = "30s";
    private String admin = "admin: off\n";

    private CandorYaml(int listenPort, int backendPort) {
        this.listenPort = listenPort;
        this.backendPort = backendPort;
    }

    static CandorYaml proxy(int listenPort, int backendPort) {
        return new CandorYaml(listenPort, backendPort);
    }

    CandorYaml accessLog(Path file) {
        this.accessLog = file.toAbsolutePath().toString();
        return this;
    }

    CandorYaml shutdownGrace(String duration) {
        this.shutdownGrace = duration;
        return this;
    }

    CandorYaml maxBodySize(String size) {
        this.maxBodySize = size;
        return this;
    }

    CandorYaml responseTimeout(String duration) {
        this.responseTimeout = duration;
        return this;
    }

    /** An admin listener at {@code address} (default: none), with a token unless it is null. */
    CandorYaml admin(String address, String token) {
        this.admin = "admin:\n  address: " + address + "\n" + (token == null ? "" : "  token: " + token + "\n");
        return this;
    }

    String text() {
        String log = accessLog.equals("off") ? "access_log: off\n" : "access_log:\n  path: \"" + accessLog + "\"\n";
        return "listeners:\n"
                + "  - address: 127.0.0.1:" + listenPort + "\n"
                + log
                + admin
                + "shutdown_grace: " + shutdownGrace + "\n"
                + "limits:\n"
                + "  max_body_size: " + maxBodySize + "\n"
                + "routes:\n"
                + "  - match: { path_prefix: / }\n"
                + "    upstream: backend\n"
                + "upstreams:\n"
                + "  backend:\n"
                + "    endpoints:\n"
                + "      - address: 127.0.0.1:" + backendPort + "\n"
                + "    timeouts: { connect: 2s, response: " + responseTimeout + ", idle: 30s }\n";
    }

    /** Writes {@code candor.yaml} into {@code dir} and returns its path. */
    Path writeTo(Path dir) throws IOException {
        return Files.writeString(dir.resolve("candor.yaml"), text());
    }
}
