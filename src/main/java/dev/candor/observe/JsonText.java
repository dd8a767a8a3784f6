package dev.candor.observe;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** Appends JSON values to a caller's buffer without allocating, for the access-log writer thread. */
final class JsonText {

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    // 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the years the fixed-width fast path can print
    private static final long MIN_FAST_SECOND = -62_167_219_200L;
    private static final long MAX_FAST_SECOND = 253_402_300_799L;
    // beyond this, v * 1000 no longer fits a long exactly; such values are not durations anyway
    private static final double MAX_FAST_DECIMAL = 1e15;

    private JsonText() {
    }

    /**
     * Appends a JSON string, or {@code null}. Hosts and URIs come from clients, so everything that
     * could end or forge a line is escaped: RFC 8259 requires quote, backslash and U+0000-U+001F; we
     * also escape DEL and C1 controls (terminal escapes), U+2028/U+2029 (line breaks to JavaScript)
     * and unpaired surrogates (they cannot be encoded as UTF-8 and would turn into '?').
     */
    static void appendString(StringBuilder out, String s) {
        if (s == null) {
            out.append("null");
            return;
        }
        out.append('"');
        int n = s.length();
        int clean = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (isPlain(c)) {
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
                continue;
            }
            out.append(s, clean, i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else {
                out.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf])
                        .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
            }
            clean = i + 1;
        }
        out.append(s, clean, n).append('"');
    }

    private static boolean isPlain(char c) {
        if (c < 0x7f) {
            return c >= 0x20 && c != '"' && c != '\\';
        }
        return c > 0x9f && c != '\u2028' && c != '\u2029' && !Character.isSurrogate(c);
    }

    /** Appends a number with at most three decimals and no exponent, or {@code null} when not finite. */
    static void appendDecimal(StringBuilder out, double v) {
        if (!Double.isFinite(v)) {
            out.append("null"); // JSON has no NaN or Infinity
            return;
        }
        if (Math.abs(v) >= MAX_FAST_DECIMAL) {
            out.append(BigDecimal.valueOf(v).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString());
            return;
        }
        long thousandths = Math.round(v * 1000);
        if (thousandths < 0) {
            out.append('-');
            thousandths = -thousandths;
        }
        out.append(thousandths / 1000);
        int fraction = (int) (thousandths % 1000);
        if (fraction != 0) {
            out.append('.');
            for (int unit = 100; fraction != 0; unit /= 10) {
                out.append((char) ('0' + fraction / unit));
                fraction %= unit;
            }
        }
    }

    /** Appends {@code "2026-11-21T10:15:30.123Z"}: UTC, always three digits of milliseconds. */
    static void appendTime(StringBuilder out, Instant t) {
        long second = t.getEpochSecond();
        if (second < MIN_FAST_SECOND || second > MAX_FAST_SECOND) {
            out.append('"').append(DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.MILLIS))).append('"');
            return;
        }
        long day = Math.floorDiv(second, 86_400L);
        int secondOfDay = (int) Math.floorMod(second, 86_400L);
        // days to civil date, after Howard Hinnant's "chrono-compatible low-level date algorithms"
        long z = day + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long dayOfEra = z - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long shiftedMonth = (5 * dayOfYear + 2) / 153;
        int dayOfMonth = (int) (dayOfYear - (153 * shiftedMonth + 2) / 5 + 1);
        int month = (int) (shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9);
        int year = (int) (yearOfEra + era * 400 + (month <= 2 ? 1 : 0));

        out.append('"');
        digits(out, year, 4);
        digits(out.append('-'), month, 2);
        digits(out.append('-'), dayOfMonth, 2);
        digits(out.append('T'), secondOfDay / 3600, 2);
        digits(out.append(':'), secondOfDay / 60 % 60, 2);
        digits(out.append(':'), secondOfDay % 60, 2);
        digits(out.append('.'), t.getNano() / 1_000_000, 3);
        out.append("Z\"");
    }

    private static void digits(StringBuilder out, int value, int width) {
        int unit = 1;
        for (int i = 1; i < width; i++) {
            unit *= 10;
        }
        for (; unit > 0; unit /= 10) {
            out.append((char) ('0' + value / unit % 10));
        }
    }
}
