package dev.candor.config;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * TLS to an upstream's endpoints.
 *
 * @param verify check the endpoint's certificate chain and name (off only for tests and trusted networks)
 * @param sni the name to send in SNI and to verify; null means each endpoint's configured host name
 *            (no SNI for an IP literal, whose certificate must then name the IP)
 * @param ca the trusted CA file, or null for the JVM's trust store
 * @param caCertificates what {@code ca} held; empty when it is null
 * @param clientCertificate the certificate Candor presents (mutual TLS), or null
 * @param minVersion {@code TLSv1.2} or {@code TLSv1.3}
 */
public record UpstreamTlsConfig(boolean verify, String sni, Path ca, List<X509Certificate> caCertificates,
                                CertificateConfig clientCertificate, String minVersion) {
    public UpstreamTlsConfig {
        caCertificates = List.copyOf(requireNonNull(caCertificates, "caCertificates"));
        requireNonNull(minVersion, "minVersion");
    }
}
