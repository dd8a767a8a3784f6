package dev.candor.config;

import static java.util.Objects.requireNonNull;

/**
 * A {@code host:port} pair as written in the config. The host is an IPv4 literal, an IPv6 literal
 * (written in brackets, stored without them) or a DNS name.
 */
public record HostPort(String host, int port) {

    public HostPort {
        requireNonNull(host, "host");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("empty host");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " out of range 0-65535");
        }
    }

    /**
     * Parses {@code host:port}, {@code [v6]:port}.
     *
     * @throws IllegalArgumentException with a message fit for an operator
     */
    public static HostPort parse(String text) {
        requireNonNull(text, "text");
        String host;
        String portText;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("'" + text + "' is not host:port (IPv6 is written [addr]:port)");
            }
            host = text.substring(1, close);
            portText = text.substring(close + 2);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || text.indexOf(':') != colon) {
                throw new IllegalArgumentException("'" + text + "' is not host:port");
            }
            host = text.substring(0, colon);
            portText = text.substring(colon + 1);
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' has no valid port (expected 0-65535)");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("'" + text + "': port " + port + " out of range 0-65535");
        }
        if (host.isEmpty() || host.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '@')) {
            throw new IllegalArgumentException("'" + text + "' has an invalid host");
        }
        return new HostPort(host, port);
    }

    /** True when the host is an IPv4 or IPv6 literal: connecting needs no DNS lookup. */
    public boolean isIpLiteral() {
        return isIpLiteral(host);
    }

    /** True for a dotted-quad IPv4 address or an IPv6 address (without brackets). */
    public static boolean isIpLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return host.chars().allMatch(c -> c == ':' || c == '.' || c == '%' || Character.digit(c, 16) >= 0
                    || Character.isLetterOrDigit(c));
        }
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
