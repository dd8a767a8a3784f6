package dev.candor.cli;

import dev.candor.config.CandorConfig;
import dev.candor.config.CertificateConfig;
import dev.candor.config.ListenerConfig;
import dev.candor.config.UpstreamConfig;

import java.util.ArrayList;
import java.util.List;

/** What {@code candor check} says about each certificate it read: the names it serves and until when. */
final class CertificateSummary {
    private CertificateSummary() {
    }

    static List<String> of(CandorConfig config) {
        List<String> lines = new ArrayList<>();
        for (ListenerConfig l : config.listeners()) {
            if (l.tls() == null) {
                continue;
            }
            for (CertificateConfig c : l.tls().certificates()) {
                lines.add("listener " + l.name() + ": " + describe(c));
            }
        }
        for (UpstreamConfig u : config.upstreams().values()) {
            if (u.tls() != null && u.tls().clientCertificate() != null) {
                lines.add("upstream " + u.name() + ": client " + describe(u.tls().clientCertificate()));
            }
        }
        return lines;
    }

    private static String describe(CertificateConfig c) {
        var k = c.loaded();
        return "certificate " + c.cert() + " for " + (k.names().isEmpty() ? "no names" : String.join(", ", k.names()))
                + " (" + k.keyDescription() + ", valid until " + k.notAfter() + ", issued by "
                + k.leaf().getIssuerX500Principal().getName() + ")";
    }
}
