package dev.candor.proxy;

import com.google.re2j.Pattern;

import java.util.List;

/** One header or query condition of a route: an exact value, or ({@code ~pattern}) an RE2 pattern found in it. */
final class ValueMatcher {
    final String name;
    private final String exact;
    private final Pattern pattern;

    ValueMatcher(String name, String spec) {
        this.name = name;
        if (spec.startsWith("~")) {
            this.exact = null;
            this.pattern = Pattern.compile(spec.substring(1));
        } else {
            this.exact = spec;
            this.pattern = null;
        }
    }

    /** Whether any of the values (one per header line or query parameter occurrence) satisfies it. */
    boolean matchesAny(List<String> values) {
        for (int i = 0; i < values.size(); i++) {
            if (matches(values.get(i))) {
                return true;
            }
        }
        return false;
    }

    boolean matches(String value) {
        return exact != null ? exact.equals(value) : pattern.matcher(value).find();
    }
}
