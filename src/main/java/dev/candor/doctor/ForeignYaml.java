package dev.candor.doctor;

import dev.candor.config.Durations;

/**
 * The {@code candor.yaml} text of a {@link ForeignSetup}, for the config loader to validate and fill with
 * Candor's defaults: only what the doctor's checks read (listeners, resolvers, upstreams), admin off.
 */
final class ForeignYaml {

    private ForeignYaml() {
    }

    static String of(ForeignSetup setup) {
        StringBuilder y = new StringBuilder("admin: off\n");
        // the other proxy's own addresses: an upstream pointing at one of them is a loop
        y.append("listeners:\n");
        if (setup.listeners().isEmpty()) {
            y.append("  - address: \"127.0.0.1:0\"\n");
        }
        for (String l : setup.listeners()) {
            y.append("  - address: ").append(q(l)).append('\n');
        }
        if (!setup.resolvers().isEmpty()) {
            y.append("dns:\n  resolvers: [");
            for (int i = 0; i < setup.resolvers().size(); i++) {
                y.append(i == 0 ? "" : ", ").append(q(setup.resolvers().get(i)));
            }
            y.append("]\n");
        }
        // a config needs routes; the doctor without --url probes every upstream and never routes
        y.append("routes:\n  - upstream: ").append(q(setup.upstreams().get(0).name())).append('\n');
        y.append("upstreams:\n");
        for (ForeignUpstream u : setup.upstreams()) {
            y.append("  ").append(q(u.name())).append(":\n    endpoints:\n");
            for (ForeignUpstream.Server s : u.servers()) {
                y.append("      - address: ").append(q(s.address())).append('\n');
            }
            y.append("    timeouts: { connect: ").append(q(Durations.format(u.connect().value())))
                    .append(", response: ").append(q(Durations.format(u.response().value()))).append(" }\n");
            y.append("    pool: { idle_timeout: ").append(q(Durations.format(u.idle().value()))).append(" }\n");
            if (u.health() != null && u.health().type().equals("tcp")) {
                y.append("    health_check: { type: tcp }\n");
            } else if (u.health() != null && u.health().type().equals("http")) {
                y.append("    health_check: { path: ").append(q(u.health().path()));
                if (u.health().host() != null) {
                    y.append(", host: ").append(q(u.health().host()));
                }
                y.append(" }\n");
            }
            if (u.tls() != null) {
                y.append("    tls: { verify: ").append(u.tls().verify());
                if (u.tls().sni() != null) {
                    y.append(", sni: ").append(q(u.tls().sni()));
                }
                if (u.tls().ca() != null) {
                    y.append(", ca: ").append(q(u.tls().ca()));
                }
                y.append(" }\n");
            }
        }
        return y.toString();
    }

    private static String q(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
