package dev.candor.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Checks {@code listeners[].tls} and {@code upstreams.*.tls}: reads every certificate and key file (a
 * file that cannot be used is reported where its path is written), checks that each key belongs to its
 * certificate and that certificates are valid now, and reads versions, ALPN ids and HSTS.
 */
final class TlsValidator {
    static final String TLS12 = "TLSv1.2";
    static final String TLS13 = "TLSv1.3";
    private static final List<String> ALPN_IDS = List.of("h2", "http/1.1");
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\\.?");

    private final Problems problems;
    private final Values values;
    private final Path source;
    private final Clock clock;

    TlsValidator(Problems problems, Values values, Path source, Clock clock) {
        this.problems = requireNonNull(problems, "problems");
        this.values = requireNonNull(values, "values");
        this.source = source;
        this.clock = requireNonNull(clock, "clock");
    }

    /** A listener's TLS, or null when it has none or it is unusable (reported). */
    ListenerTlsConfig listener(String path, RawConfig.ListenerTls raw) {
        if (raw == null) {
            return null;
        }
        String certsPath = ConfigPath.child(path, "certificates");
        List<CertificateConfig> certificates = new ArrayList<>();
        boolean allRead = true;
        if (raw.certificates == null || raw.certificates.isEmpty()) {
            if (raw.certificates != null) {
                problems.at(certsPath, "empty list; add at least one entry with 'cert' and 'key'");
            } else {
                problems.missing(path, "certificates");
            }
            allRead = false;
        } else {
            for (int i = 0; i < raw.certificates.size(); i++) {
                String itemPath = ConfigPath.index(certsPath, i);
                RawConfig.Certificate c = raw.certificates.get(i);
                if (c == null) {
                    problems.at(itemPath, "empty entry; expected a mapping with 'cert' and 'key'");
                    allRead = false;
                    continue;
                }
                CertificateConfig certificate = certificate(itemPath, c.cert, c.key, true);
                if (certificate == null) {
                    allRead = false;
                } else {
                    certificates.add(certificate);
                }
            }
        }
        List<String> protocols = protocols(ConfigPath.child(path, "protocols"), raw.protocols);
        String minVersion = minVersion(ConfigPath.child(path, "min_version"), raw.minVersion);
        HstsConfig hsts = hsts(ConfigPath.child(path, "hsts"), raw.hsts);
        if (!allRead) {
            return null;
        }
        return new ListenerTlsConfig(certificates, protocols, minVersion, hsts);
    }

    /** An upstream's TLS, or null when it has none or it is unusable (reported). */
    UpstreamTlsConfig upstream(String path, RawConfig.UpstreamTls raw) {
        if (raw == null) {
            return null;
        }
        boolean usable = true;
        boolean verify = values.bool(ConfigPath.child(path, "verify"), raw.verify, true);
        String sniPath = ConfigPath.child(path, "sni");
        String sni = values.text(sniPath, raw.sni);
        if (sni != null && !HOST_NAME.matcher(sni).matches()) {
            problems.at(sniPath, "'" + sni + "' is not a host name (SNI carries a DNS name, never an IP address)");
            usable = false;
        } else if (sni != null && sni.chars().allMatch(ch -> Character.isDigit(ch) || ch == '.')) {
            problems.at(sniPath, "'" + sni + "' is an IP address; SNI carries only DNS names (omit sni for an IP endpoint)");
            usable = false;
        }
        String caPath = ConfigPath.child(path, "ca");
        Path ca = file(caPath, raw.ca);
        List<X509Certificate> caCertificates = List.of();
        if (ca != null) {
            try {
                caCertificates = PemFiles.certificates(ca);
            } catch (IllegalArgumentException e) {
                problems.at(caPath, e.getMessage());
                usable = false;
            }
        } else if (raw.ca != null) {
            usable = false;
        }
        CertificateConfig client = null;
        if (raw.cert != null || raw.key != null) {
            client = certificate(path, raw.cert, raw.key, false);
            usable &= client != null;
        }
        String minVersion = minVersion(ConfigPath.child(path, "min_version"), raw.minVersion);
        return usable ? new UpstreamTlsConfig(verify, sni, ca, caCertificates, client, minVersion) : null;
    }

    /** {@code redirect_to_https}: the port to send plain-HTTP clients to, or 0. */
    int redirect(String path, String raw, boolean listenerHasTls) {
        String text = values.text(path, raw);
        if (text == null) {
            return 0;
        }
        int port;
        if (text.equals("true")) {
            port = 443;
        } else if (text.equals("false")) {
            return 0;
        } else {
            port = values.integer(path, raw, 0, 1, 65535);
            if (port == 0) {
                return 0;
            }
        }
        if (listenerHasTls) {
            problems.at(path, "this listener terminates TLS itself; put redirect_to_https on the plain-HTTP listener");
            return 0;
        }
        return port;
    }

    /**
     * Reads a cert/key pair under {@code parent}; null when either is missing or unusable (reported).
     * A server certificate must be valid now; so must a client certificate.
     */
    private CertificateConfig certificate(String parent, String rawCert, String rawKey, boolean server) {
        String certPath = ConfigPath.child(parent, "cert");
        String keyPath = ConfigPath.child(parent, "key");
        if (rawCert == null || rawKey == null) {
            problems.missing(parent, rawCert == null ? "cert" : "key");
            return null;
        }
        Path cert = file(certPath, rawCert);
        Path key = file(keyPath, rawKey);
        if (cert == null || key == null) {
            return null;
        }
        CertifiedKey loaded;
        try {
            PemFiles.certificates(cert);
        } catch (IllegalArgumentException e) {
            problems.at(certPath, e.getMessage());
            return null;
        }
        try {
            loaded = CertifiedKey.load(cert, key);
        } catch (IllegalArgumentException e) {
            problems.at(keyPath, e.getMessage());
            return null;
        }
        Instant now = clock.instant();
        String what = (server ? "the certificate " : "the client certificate ") + describe(loaded);
        if (now.isAfter(loaded.notAfter())) {
            problems.at(certPath, what + " expired on " + loaded.notAfter() + "; renew it");
            return null;
        }
        if (now.isBefore(loaded.notBefore())) {
            problems.at(certPath, what + " is not valid before " + loaded.notBefore() + " (is this machine's clock right?)");
            return null;
        }
        return new CertificateConfig(cert, key, loaded);
    }

    static String describe(CertifiedKey c) {
        return "(" + c.subject() + "; names " + (c.names().isEmpty() ? "none" : String.join(", ", c.names())) + ")";
    }

    /** A file path, relative to the config file's directory; null when absent or invalid (reported). */
    private Path file(String path, String raw) {
        String text = values.text(path, raw);
        if (text == null) {
            return null;
        }
        if (text.isBlank()) {
            problems.at(path, "needs a file path");
            return null;
        }
        try {
            Path file = Path.of(text);
            if (!file.isAbsolute() && source != null) {
                Path dir = source.toAbsolutePath().getParent();
                file = dir == null ? file : dir.resolve(file);
            }
            return file;
        } catch (InvalidPathException e) {
            problems.at(path, "'" + text + "' is not a valid file path (" + e.getReason() + ")");
            return null;
        }
    }

    private List<String> protocols(String path, List<String> raw) {
        if (raw == null) {
            return ALPN_IDS;
        }
        if (raw.isEmpty()) {
            problems.at(path, "empty list; omit it for the default [h2, http/1.1]");
            return ALPN_IDS;
        }
        List<String> protocols = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            String itemPath = ConfigPath.index(path, i);
            String id = values.text(itemPath, raw.get(i));
            if (id == null) {
                continue;
            }
            if (!ALPN_IDS.contains(id)) {
                problems.at(itemPath, "expected h2 or http/1.1, found '" + id + "'");
            } else if (protocols.contains(id)) {
                problems.at(itemPath, "'" + id + "' is listed twice");
            } else {
                protocols.add(id);
            }
        }
        return protocols.isEmpty() ? ALPN_IDS : protocols;
    }

    private String minVersion(String path, String raw) {
        String text = values.text(path, raw);
        if (text == null) {
            return TLS12;
        }
        return switch (text) {
            case "1.2", "TLSv1.2" -> TLS12;
            case "1.3", "TLSv1.3" -> TLS13;
            default -> {
                problems.at(path, "expected 1.2 or 1.3, found '" + text + "' (TLS 1.0 and 1.1 are never offered: RFC 8996)");
                yield TLS12;
            }
        };
    }

    private HstsConfig hsts(String path, RawConfig.Hsts raw) {
        if (raw == null) {
            return null;
        }
        Duration maxAge = values.duration(ConfigPath.child(path, "max_age"), raw.maxAge, Duration.ofDays(365));
        boolean subdomains = values.bool(ConfigPath.child(path, "include_subdomains"), raw.includeSubdomains, false);
        boolean preload = values.bool(ConfigPath.child(path, "preload"), raw.preload, false);
        return new HstsConfig(maxAge, subdomains, preload);
    }
}
