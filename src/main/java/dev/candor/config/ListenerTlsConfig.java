package dev.candor.config;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * TLS termination on a listener.
 *
 * @param certificates the first is the default, served when no other certificate's names match the SNI
 *                     name (or the client sent none)
 * @param protocols ALPN protocol ids in preference order ({@code h2}, {@code http/1.1})
 * @param minVersion {@code TLSv1.2} or {@code TLSv1.3}
 * @param hsts the Strict-Transport-Security header to add, or null for none
 */
public record ListenerTlsConfig(List<CertificateConfig> certificates, List<String> protocols, String minVersion,
                                HstsConfig hsts) {
    public ListenerTlsConfig {
        certificates = List.copyOf(requireNonNull(certificates, "certificates"));
        protocols = List.copyOf(requireNonNull(protocols, "protocols"));
        requireNonNull(minVersion, "minVersion");
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("no certificate");
        }
    }
}
