package dev.candor.foreign;

import java.util.List;

/**
 * One directive of an nginx configuration, or one keyword line of an HAProxy configuration: its name (the first
 * word), arguments (quotes removed), block (empty for a simple directive, and always for HAProxy) and where it
 * was written.
 */
public record Directive(String name, List<String> args, List<Directive> block, String file, int line) {

    /** {@code FILE:LINE}. */
    public String where() {
        return file + ":" + line;
    }

    /** The directive as written, e.g. {@code proxy_read_timeout 30s}. */
    public String text() {
        StringBuilder b = new StringBuilder(name);
        for (String a : args) {
            b.append(' ').append(a.isEmpty() || a.indexOf(' ') >= 0 ? "\"" + a + "\"" : a);
        }
        return b.toString();
    }

    public String arg(int i) {
        return i < args.size() ? args.get(i) : null;
    }
}
