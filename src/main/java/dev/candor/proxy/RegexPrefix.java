package dev.candor.proxy;

/**
 * The literal text every match of an anchored pattern must start with, so that a route's path regex can
 * be skipped with one {@code startsWith} when the path cannot match: RE2/J costs about a microsecond per
 * attempt, a string comparison a few nanoseconds. Conservative: when in doubt, no prefix.
 */
final class RegexPrefix {
    private static final String SPECIAL = "\\.[]{}()*+?^$|";

    private RegexPrefix() {
    }

    /**
     * For {@code ^/users/[0-9]+$}, {@code /users/}: the characters after a leading {@code ^} up to the first
     * special one, less the last when a quantifier follows it. Empty when there is no such prefix, or when
     * the pattern has a {@code |} anywhere (an alternative might not start with the prefix).
     */
    static String of(String pattern) {
        if (!pattern.startsWith("^") || pattern.indexOf('|') >= 0) {
            return "";
        }
        int end = 1;
        while (end < pattern.length() && SPECIAL.indexOf(pattern.charAt(end)) < 0) {
            end++;
        }
        if (end < pattern.length() && "*+?{".indexOf(pattern.charAt(end)) >= 0) {
            end--; // the last literal is repeated or optional: not required
        }
        return end <= 1 ? "" : pattern.substring(1, end);
    }
}
