package dev.candor.doctor;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * One setting of another proxy as its doctor advice names it: the directive, its value in force, and where it
 * is written, or (for a default) where writing it would change it.
 *
 * @param where {@code FILE:LINE} of the directive, or of the block to add it to when it is defaulted
 * @param defaulted whether the value is the proxy's default (the directive is not written)
 */
record ForeignSetting(String directive, Duration value, String where, boolean defaulted) {

    ForeignSetting {
        requireNonNull(directive, "directive");
        requireNonNull(value, "value");
        requireNonNull(where, "where");
    }

    /** {@code proxy_read_timeout in /etc/nginx/conf.d/api.conf:14 (60s default)}. */
    String phrase() {
        if (!defaulted) {
            return directive + " in " + where;
        }
        return directive + " in " + where + (value.isZero() ? " (not set: no limit)" : " (" + Fmt.config(value) + " default)");
    }

    Terms.Setting asTerm() {
        return new Terms.Setting(directive, phrase());
    }
}
