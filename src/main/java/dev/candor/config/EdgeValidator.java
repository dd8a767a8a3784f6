package dev.candor.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Checks the edge-protection keys (SPEC §10): {@code trusted_proxies}, {@code rate_limit_store}, and a
 * route's {@code access} and {@code rate_limit}.
 */
final class EdgeValidator {
    private static final Pattern RATE = Pattern.compile("([0-9]+)/(s|m)");
    private static final Pattern HEADER_KEY = Pattern.compile("header\\((.*)\\)");

    private final Problems problems;
    private final Values values;

    EdgeValidator(Problems problems, Values values) {
        this.problems = requireNonNull(problems, "problems");
        this.values = requireNonNull(values, "values");
    }

    EdgeConfig edge(List<String> trustedProxies, String rateLimitStore) {
        List<Cidr> trusted = trustedProxies == null ? List.of() : blocks("trusted_proxies", trustedProxies, true);
        return new EdgeConfig(trusted, store("rate_limit_store", rateLimitStore));
    }

    private HostPort store(String path, String raw) {
        String text = values.text(path, raw);
        if (text == null || text.equals("local")) {
            return null;
        }
        if (!text.startsWith("redis://")) {
            problems.at(path, "expected local or redis://HOST:PORT, found '" + text + "'");
            return null;
        }
        try {
            HostPort address = HostPort.parse(text.substring("redis://".length()));
            if (address.port() == 0) {
                problems.at(path, "'" + text + "': the Redis port must be 1-65535");
                return null;
            }
            return address;
        } catch (IllegalArgumentException e) {
            problems.at(path, "'" + text + "': " + e.getMessage());
            return null;
        }
    }

    /** A route's {@code access}, or null when absent or wrong. */
    AccessConfig access(String path, RawConfig.Access raw) {
        if (raw == null) {
            return null;
        }
        if (raw.allow == null && raw.deny == null) {
            problems.at(path, "expected 'allow', 'deny' or both (lists of CIDR blocks); remove the key to let everyone in");
            return null;
        }
        int before = problems.count();
        List<Cidr> allow = raw.allow == null ? List.of() : blocks(ConfigPath.child(path, "allow"), raw.allow, false);
        List<Cidr> deny = raw.deny == null ? List.of() : blocks(ConfigPath.child(path, "deny"), raw.deny, true);
        return problems.count() == before ? new AccessConfig(allow, deny) : null;
    }

    /** A route's {@code rate_limit}, or null when absent or wrong. */
    RateLimitConfig rateLimit(String path, RawConfig.RateLimit raw) {
        if (raw == null) {
            return null;
        }
        int before = problems.count();
        long tokens = 0;
        Duration period = null;
        if (raw.rate == null) {
            problems.missing(path, "rate");
        } else {
            String ratePath = ConfigPath.child(path, "rate");
            String rate = values.text(ratePath, raw.rate);
            Matcher m = rate == null ? null : RATE.matcher(rate.trim());
            if (m != null && m.matches() && (tokens = parsePositive(m.group(1))) >= 1) {
                period = m.group(2).equals("s") ? Duration.ofSeconds(1) : Duration.ofMinutes(1);
            } else if (rate != null) {
                problems.at(ratePath, "expected requests per second or minute such as 100/s or 30/m, found '" + rate + "'");
            }
        }
        // burst defaults to one period's worth of tokens
        long burst = values.integer(ConfigPath.child(path, "burst"), raw.burst,
                (int) Math.max(1, Math.min(Integer.MAX_VALUE, tokens)), 1, Integer.MAX_VALUE);
        String header = key(ConfigPath.child(path, "key"), raw.key);
        return problems.count() == before && period != null ? new RateLimitConfig(tokens, period, burst, header) : null;
    }

    /** The header name of {@code header(NAME)}, lower case; null for {@code client_ip} (the default) or a mistake. */
    private String key(String path, String raw) {
        String text = values.text(path, raw);
        if (text == null || text.equals("client_ip")) {
            return null;
        }
        Matcher m = HEADER_KEY.matcher(text);
        if (!m.matches()) {
            problems.at(path, "expected client_ip or header(NAME), found '" + text + "'");
            return null;
        }
        String name = m.group(1).trim();
        if (!RouteMatchRules.isToken(name)) {
            problems.at(path, "'" + name + "' is not a header name");
            return null;
        }
        return name.toLowerCase(Locale.ROOT);
    }

    private List<Cidr> blocks(String path, List<String> raw, boolean emptyAllowed) {
        if (raw.isEmpty() && !emptyAllowed) {
            problems.at(path, "empty list: nobody could use the route; remove 'allow' to let every address in");
            return List.of();
        }
        List<Cidr> out = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            String itemPath = ConfigPath.index(path, i);
            String text = values.text(itemPath, raw.get(i));
            if (text == null) {
                if (raw.get(i) == null) {
                    problems.at(itemPath, "empty entry; expected an address or CIDR block such as 10.0.0.0/8");
                }
                continue;
            }
            try {
                out.add(Cidr.parse(text.trim()));
            } catch (IllegalArgumentException e) {
                problems.at(itemPath, e.getMessage());
            }
        }
        return out;
    }

    private static long parsePositive(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
