package dev.candor.config;

import java.nio.file.Path;

import static java.util.Objects.requireNonNull;

/**
 * A certificate chain and its key as configured (paths resolved against the config file's directory),
 * with what the files held when the config was validated. The files are read again when they change.
 */
public record CertificateConfig(Path cert, Path key, CertifiedKey loaded) {
    public CertificateConfig {
        requireNonNull(cert, "cert");
        requireNonNull(key, "key");
        requireNonNull(loaded, "loaded");
    }
}
