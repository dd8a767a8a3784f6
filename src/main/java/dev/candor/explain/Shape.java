package dev.candor.explain;

import java.util.regex.Pattern;

/** The kind of lines a file holds, told from its first lines. */
enum Shape {
    /** nginx's error log: {@code 2026/12/07 12:40:01 [error] 81#81: *5 message, client: …}. */
    NGINX_ERROR(Proxy.NGINX, "^\\d{4}/\\d{2}/\\d{2} \\d{2}:\\d{2}:\\d{2} \\[\\w+\\] \\d+#\\d+: "),
    /** Apache httpd's error_log: {@code [Mon Dec 07 12:40:01.123456 2026] [proxy:error] [pid …] …}. */
    APACHE_ERROR(Proxy.APACHE, "^\\[\\w{3} \\w{3} [ \\d]\\d \\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)? \\d{4}\\] \\[[\\w-]*:\\w+\\] "),
    /** The combined access log of nginx and Apache httpd. */
    COMBINED(null, "^\\S+ \\S+ .*?\\[\\d{2}/\\w{3}/\\d{4}:\\d{2}:\\d{2}:\\d{2} [+-]\\d{4}\\] \"[^\"]*\" \\d{3} "),
    /** HAProxy's {@code option httplog}, with or without a syslog prefix. */
    HAPROXY(Proxy.HAPROXY, "(?:^|\\s)\\S+:\\d+ \\[\\d{2}/\\w{3}/\\d{4}:\\d{2}:\\d{2}:\\d{2}\\.\\d{3}\\] \\S+ \\S+/\\S+ "
            + "-?\\d+/-?\\d+/-?\\d+/-?\\d+/\\+?-?\\d+ -?\\d+ "),
    /** Envoy's default access log. */
    ENVOY(Proxy.ENVOY, "^\\[\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?(?:Z|[+-]\\d{2}:?\\d{2})\\] \"[^\"]*\" \\d{1,3} \\S+ "),
    /** Candor's JSON access log. */
    CANDOR(Proxy.CANDOR, "^\\{.*\"status\":.*\"request_id\":|^\\{.*\"request_id\":.*\"status\":");

    private final Proxy proxy;
    private final Pattern pattern;

    Shape(Proxy proxy, String regex) {
        this.proxy = proxy;
        this.pattern = Pattern.compile(regex);
    }

    /** The proxy that writes it; null for the combined format, which nginx and Apache httpd share. */
    Proxy proxy() {
        return proxy;
    }

    boolean matches(String line) {
        return pattern.matcher(line).find();
    }

    /** Whether {@code --format proxy} allows this shape. */
    boolean writtenBy(Proxy p) {
        return proxy == p || this == COMBINED && (p == Proxy.NGINX || p == Proxy.APACHE);
    }

    /** The shape most of the first lines have, or null when none does. */
    static Shape of(Iterable<String> sample, Proxy only) {
        int best = 0;
        Shape found = null;
        for (Shape s : values()) {
            if (only != null && !s.writtenBy(only)) {
                continue;
            }
            int n = 0;
            for (String line : sample) {
                if (s.matches(line)) {
                    n++;
                }
            }
            if (n > best) {
                best = n;
                found = s;
            }
        }
        return found;
    }
}
