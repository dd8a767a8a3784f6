package dev.candor.config;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The TLS part of {@link ConfigWarnings}: certificates close to expiry, and verification turned off. */
final class TlsWarnings {

    private TlsWarnings() {
    }

    static void add(CandorConfig config, Instant now, Duration soon, List<String> warnings) {
        for (int i = 0; i < config.listeners().size(); i++) {
            ListenerTlsConfig tls = config.listeners().get(i).tls();
            if (tls == null) {
                continue;
            }
            for (int c = 0; c < tls.certificates().size(); c++) {
                CertificateConfig cert = tls.certificates().get(c);
                expiry("listeners[" + i + "].tls.certificates[" + c + "].cert", cert.loaded().leaf(), now, soon, warnings);
            }
        }
        for (UpstreamConfig u : config.upstreams().values()) {
            UpstreamTlsConfig tls = u.tls();
            if (tls == null) {
                continue;
            }
            String at = "upstreams." + u.name() + ".tls";
            if (!tls.verify()) {
                warnings.add(at + ".verify is false: any certificate is accepted, so anyone on the network path"
                        + " can impersonate the upstream; use 'ca' for a private CA instead");
            }
            if (tls.clientCertificate() != null) {
                expiry(at + ".cert", tls.clientCertificate().loaded().leaf(), now, soon, warnings);
            }
            for (X509Certificate ca : tls.caCertificates()) {
                expiry(at + ".ca", ca, now, soon, warnings);
            }
        }
    }

    private static void expiry(String at, X509Certificate cert, Instant now, Duration soon, List<String> warnings) {
        Instant notAfter = cert.getNotAfter().toInstant();
        if (now.isAfter(notAfter)) {
            warnings.add(at + ": certificate " + cert.getSubjectX500Principal().getName() + " expired on " + notAfter);
        } else if (now.plus(soon).isAfter(notAfter)) {
            long days = Duration.between(now, notAfter).toDays();
            warnings.add(at + ": certificate " + cert.getSubjectX500Principal().getName() + " expires on " + notAfter
                    + " (in " + days + " day" + (days == 1 ? "" : "s") + "); renew it");
        }
    }
}
