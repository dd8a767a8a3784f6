package dev.candor.explain;

import java.util.Locale;

/** Whose log a file is: the proxy that wrote it, by its {@code --format} name. */
public enum Proxy {
    NGINX("nginx"),
    APACHE("Apache httpd"),
    HAPROXY("HAProxy"),
    ENVOY("Envoy"),
    CANDOR("Candor");

    private final String displayName;

    Proxy(String displayName) {
        this.displayName = displayName;
    }

    /** The name {@code --format} takes, e.g. {@code haproxy}. */
    public String token() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String displayName() {
        return displayName;
    }

    /** The constant for a {@code --format} name, or null. */
    public static Proxy fromToken(String token) {
        for (Proxy p : values()) {
            if (p.token().equals(token)) {
                return p;
            }
        }
        return null;
    }
}
