package dev.candor.config;

import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/** Checks an upstream's {@code balancer}: a policy name, and for the hash policies the header or cookie they hash. */
final class BalancerValidator {

    // A policy and, in parentheses, the header or cookie it hashes: header_hash(X-User).
    private static final Pattern WITH_KEY = Pattern.compile("([^()]*)\\((.*)\\)");
    private static final String BALANCERS = Arrays.stream(BalancerConfig.Kind.values())
            .map(kind -> takesKey(kind) ? kind.configName() + "(NAME)" : kind.configName())
            .collect(Collectors.joining(", "));

    private final Problems problems;
    private final Values values;

    BalancerValidator(Problems problems, Values values) {
        this.problems = requireNonNull(problems, "problems");
        this.values = requireNonNull(values, "values");
    }

    /** The policy; round robin when absent, null when wrong. */
    BalancerConfig validate(String path, String raw) {
        String text = values.text(path, raw);
        if (text == null) {
            return raw == null ? BalancerConfig.ROUND_ROBIN : null;
        }
        Matcher withKey = WITH_KEY.matcher(text);
        String policy = withKey.matches() ? withKey.group(1) : text;
        String key = withKey.matches() ? withKey.group(2) : null;
        BalancerConfig.Kind kind = Arrays.stream(BalancerConfig.Kind.values())
                .filter(k -> k.configName().equals(policy)).findFirst().orElse(null);
        if (kind == null) {
            problems.at(path, "'" + text + "' is not a balancer (expected one of: " + BALANCERS + ")");
            return null;
        }
        String problem = keyProblem(kind, text, key);
        if (problem != null) {
            problems.at(path, problem);
            return null;
        }
        return new BalancerConfig(kind, key);
    }

    private static boolean takesKey(BalancerConfig.Kind kind) {
        return switch (kind) {
            case ROUND_ROBIN, WEIGHTED_ROUND_ROBIN, RANDOM, LEAST_REQUEST, IP_HASH -> false;
            case HEADER_HASH, COOKIE_HASH -> true;
        };
    }

    /** Why the name in parentheses is wrong for this policy (missing, not wanted or not a token), or null. */
    private static String keyProblem(BalancerConfig.Kind kind, String text, String key) {
        String policy = kind.configName();
        if (!takesKey(kind)) {
            return key == null ? null : "'" + text + "': " + policy + " takes no name (write " + policy + ")";
        }
        String what = kind == BalancerConfig.Kind.HEADER_HASH ? "header" : "cookie";
        if (key == null || key.isEmpty()) {
            return "'" + text + "' needs a " + what + " name: " + policy + "(NAME), e.g. "
                    + policy + (kind == BalancerConfig.Kind.HEADER_HASH ? "(X-User)" : "(session)");
        }
        // Header field names (RFC 9110 section 5.1) and cookie names (RFC 6265 section 4.1.1) are both tokens.
        if (!RouteMatchRules.isToken(key)) {
            return "'" + text + "': '" + key + "' is not a valid " + what + " name"
                    + " (use letters, digits and !#$%&'*+-.^_`|~)";
        }
        return null;
    }
}
