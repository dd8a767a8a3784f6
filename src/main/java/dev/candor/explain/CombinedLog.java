package dev.candor.explain;

/**
 * The {@code combined} access log of nginx and Apache httpd:
 * {@code 127.0.0.1 - - [07/Dec/2026:12:40:01 +0000] "GET /x HTTP/1.1" 502 157 "-" "curl/8.0"}. Scanned by
 * hand, not by a regular expression: every line of a multi-GiB file passes here, and only its status decides
 * whether the rest is read.
 */
final class CombinedLog {

    /** The fields of one line; the request line is {@code line.substring(requestStart, requestEnd)}. */
    static final class Scan {
        String line;
        int status;
        int timeAt;
        int requestStart;
        int requestEnd;
        private String lastStamp;
        private long lastSecond;

        /** Whether the client got a failure worth explaining: a 5xx, or nginx's 499 (the client went away). */
        boolean failed() {
            return status >= 500 || status == 499;
        }

        String client() {
            return line.substring(0, line.indexOf(' '));
        }

        String request() {
            return line.substring(requestStart, requestEnd);
        }

        /** The local time in seconds (repeated stamps are read once). */
        long localSecond() throws Unreadable {
            if (lastStamp != null && line.regionMatches(timeAt, lastStamp, 0, 20)) {
                return lastSecond;
            }
            long s = Times.clfSecond(line, timeAt);
            if (s == Long.MIN_VALUE) {
                throw Unreadable.LINE;
            }
            lastStamp = line.substring(timeAt, timeAt + 20);
            lastSecond = s;
            return s;
        }

        /** The time as ISO-8601 with the line's offset, e.g. {@code 2026-12-07T12:40:01+00:00}. */
        String isoTime() {
            String t = line.substring(timeAt, timeAt + 26);
            int month = Times.month(t, 3);
            return t.substring(7, 11) + "-" + two(month) + "-" + t.substring(0, 2) + "T" + t.substring(12, 20)
                    + t.substring(21, 24) + ":" + t.substring(24, 26);
        }

        private static String two(int n) {
            return n < 10 ? "0" + n : String.valueOf(n);
        }
    }

    private CombinedLog() {
    }

    /** Reads {@code line} into {@code into}. */
    static void scan(String line, Scan into) throws Unreadable {
        int open = line.indexOf('[');
        if (open < 0 || open + 31 > line.length() || line.charAt(open + 27) != ']' || line.charAt(open + 29) != '"') {
            throw Unreadable.LINE;
        }
        int start = open + 30;
        int close = start;
        while (true) {
            close = line.indexOf('"', close);
            if (close < 0) {
                throw Unreadable.LINE;
            }
            if (line.charAt(close - 1) != '\\' || close - 2 >= start && line.charAt(close - 2) == '\\') {
                break;
            }
            close++;
        }
        int status = Times.digits(line, close + 2, 3);
        if (status < 0 || line.charAt(close + 1) != ' ') {
            throw Unreadable.LINE;
        }
        into.line = line;
        into.status = status;
        into.timeAt = open + 1;
        into.requestStart = start;
        into.requestEnd = close;
    }

    /** {@code GET /x HTTP/1.1} → method and URI; either is null when the request line is not of that form. */
    static String[] methodAndUri(String request) {
        int a = request.indexOf(' ');
        if (a < 0) {
            return new String[] {null, null};
        }
        int b = request.indexOf(' ', a + 1);
        return new String[] {request.substring(0, a), b < 0 ? request.substring(a + 1) : request.substring(a + 1, b)};
    }
}
