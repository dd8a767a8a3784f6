package dev.candor.explain;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

/** Local times as seconds, for joining two logs of one host; month names as nginx and Apache write them. */
final class Times {
    private static final String MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";

    private Times() {
    }

    static long localSecond(int year, int month, int day, int hour, int minute, int second) {
        return LocalDateTime.of(year, month, day, hour, minute, second).toEpochSecond(ZoneOffset.UTC);
    }

    /** 1..12 for {@code Jan}..{@code Dec} at {@code at}, or -1. */
    static int month(String text, int at) {
        if (at + 3 > text.length()) {
            return -1;
        }
        int i = MONTHS.indexOf(text.substring(at, at + 3));
        return i < 0 || i % 3 != 0 ? -1 : i / 3 + 1;
    }

    /** The non-negative integer of {@code len} digits at {@code at}, or -1. */
    static int digits(String text, int at, int len) {
        if (at < 0 || at + len > text.length()) {
            return -1;
        }
        int v = 0;
        for (int i = at; i < at + len; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** {@code 07/Dec/2026:12:40:01} at {@code at} as local seconds, or Long.MIN_VALUE. */
    static long clfSecond(String text, int at) {
        int day = digits(text, at, 2);
        int month = month(text, at + 3);
        int year = digits(text, at + 7, 4);
        int h = digits(text, at + 12, 2);
        int m = digits(text, at + 15, 2);
        int s = digits(text, at + 18, 2);
        if (day < 1 || month < 0 || year < 0 || h < 0 || m < 0 || s < 0 || h > 23 || m > 59 || s > 60 || day > 31) {
            return Long.MIN_VALUE;
        }
        try {
            return localSecond(year, month, day, h, m, Math.min(s, 59));
        } catch (java.time.DateTimeException e) {
            return Long.MIN_VALUE;
        }
    }
}
