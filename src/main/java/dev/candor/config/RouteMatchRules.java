package dev.candor.config;

/** What a route's host and path prefix may look like, so a match that could never hit is caught at load time. */
final class RouteMatchRules {

    // RFC 9110 section 5.6.2: tchar, the characters of a method token.
    private static final String TCHAR_SYMBOLS = "!#$%&'*+-.^_`|~";

    private RouteMatchRules() {
    }

    /** Why {@code host} cannot be matched against a Host header, or null if it is fine. */
    static String hostProblem(String host) {
        if (host.isEmpty()) {
            return "must not be empty (omit it to match any host)";
        }
        if (host.equals("*")) {
            return "'*' alone is not allowed (omit host to match any host)";
        }
        String name = host.startsWith("*.") ? host.substring(2) : host;
        if (name.indexOf('*') >= 0) {
            return "'" + host + "': '*' is only allowed as a leading '*.' (e.g. *.example.com)";
        }
        if (name.startsWith("[") && name.endsWith("]")) {
            return null; // an IPv6 literal as it appears in a Host header
        }
        if (name.indexOf(':') >= 0) {
            return "'" + host + "' must not include a port; hosts are matched without it";
        }
        if (name.isEmpty() || name.startsWith(".") || name.contains("..")) {
            return "'" + host + "' is not a host name";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(isAsciiAlphanumeric(c) || c == '-' || c == '.' || c == '_')) {
                return "'" + host + "' is not a host name (it contains '" + c + "'; write international names in punycode)";
            }
        }
        return null;
    }

    /** Why {@code prefix} can never match a request path, or null if it is fine. */
    static String pathPrefixProblem(String prefix) {
        if (!prefix.startsWith("/")) {
            return "'" + prefix + "' must start with '/'";
        }
        for (int i = 0; i < prefix.length(); i++) {
            char c = prefix.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                return "'" + prefix + "' contains a space or control character (percent-encode it)";
            }
            if (c == '?' || c == '#') {
                return "'" + prefix + "' contains '" + c + "'; a path prefix never includes a query or fragment";
            }
        }
        return null;
    }

    /** Whether {@code text} is an RFC 9110 token, the syntax of method, header field and cookie names. */
    static boolean isToken(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!isAsciiAlphanumeric(c) && TCHAR_SYMBOLS.indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAsciiAlphanumeric(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
}
