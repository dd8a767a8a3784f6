package dev.candor.config;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/** The {@code Strict-Transport-Security} header a TLS listener adds to responses (RFC 6797 §6.1). */
public record HstsConfig(Duration maxAge, boolean includeSubdomains, boolean preload) {
    public HstsConfig {
        requireNonNull(maxAge, "maxAge");
    }

    /** The header value, e.g. {@code max-age=31536000; includeSubDomains}. */
    public String headerValue() {
        return "max-age=" + maxAge.toSeconds() + (includeSubdomains ? "; includeSubDomains" : "") + (preload ? "; preload" : "");
    }
}
