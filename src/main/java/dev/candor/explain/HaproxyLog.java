package dev.candor.explain;

import dev.candor.failure.ErrorType;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HAProxy's {@code option httplog} line: client, accept date, frontend, {@code backend/server}, the timers
 * {@code TR/Tw/Tc/Tr/Ta}, status, bytes, cookies, the four-letter termination state, the connection counts
 * ending with retries, the queues, and the request line. The first two letters of the termination state say
 * who ended the session and in which phase (HAProxy's manual, "Session state at disconnection"): with the
 * server name and timers they make the RFC 9209 type.
 */
final class HaproxyLog {
    private static final Pattern LINE = Pattern.compile(
            "(\\S+):\\d+ \\[(\\d{2})/(\\w{3})/(\\d{4}):(\\d{2}:\\d{2}:\\d{2}\\.\\d{3})\\] (\\S+) (\\S+)/(\\S+) "
                    + "(-?\\d+/-?\\d+/-?\\d+/-?\\d+/\\+?-?\\d+) (-?\\d+) \\+?\\d+ \\S+ \\S+ (\\S{4}) "
                    + "\\d+/\\d+/\\d+/\\d+/\\+?(\\d+) \\d+/\\d+ (?:\\{[^}]*\\} )*\"(.*)\"");

    private HaproxyLog() {
    }

    /** The line as a failure, or null when the request went well. */
    static Failure read(LogLines in) throws Unreadable {
        String line = in.latin1();
        int open = line.indexOf(" [");
        if (open < 0 || open + 27 > line.length() || line.charAt(open + 26) != ']') {
            throw Unreadable.LINE;
        }
        // after the date: frontend, backend/server, timers, status, bytes, two cookies, termination state
        int at = open + 28;
        int status = 0;
        String state = null;
        for (int field = 0; field < 8; field++) {
            int end = line.indexOf(' ', at);
            if (end < 0) {
                throw Unreadable.LINE;
            }
            if (field == 3) {
                status = line.charAt(at) == '-' ? -1 : Times.digits(line, at, end - at);
            } else if (field == 7) {
                if (end - at != 4) {
                    throw Unreadable.LINE;
                }
                state = line.substring(at, end);
            }
            at = end + 1;
        }
        if (status < 500 && (state.charAt(0) == '-' || state.charAt(0) == 'L')) {
            return null;
        }
        return failure(in.utf8(), in.source());
    }

    private static Failure failure(String line, String source) throws Unreadable {
        Matcher m = LINE.matcher(line);
        if (!m.find()) {
            throw Unreadable.LINE;
        }
        int status = Integer.parseInt(m.group(10));
        String backend = m.group(7);
        String server = m.group(8);
        String state = m.group(11);
        int retries = Integer.parseInt(m.group(12));
        String request = m.group(13);
        String[] mu = CombinedLog.methodAndUri(request);
        char who = state.charAt(0);
        char phase = state.charAt(1);
        boolean abort = who == 'C' || who == 'c';
        ErrorType type = abort ? null : classify(who, phase, server, status);
        if (type == null && !abort && status < 500) {
            return null;
        }
        int month = Times.month(m.group(3), 0);
        String time = m.group(4) + "-" + (month < 10 ? "0" : "") + month + "-" + m.group(2) + "T" + m.group(5);
        String detail = "termination state " + state + ", timers TR/Tw/Tc/Tr/Ta " + m.group(9)
                + (retries > 0 ? ", " + retries + " retr" + (retries == 1 ? "y" : "ies") : "")
                + (type == null && !abort ? ", the server answered " + status + " itself" : "");
        return new Failure(source, time, mu[0], mu[1], status < 0 ? null : status, type,
                backend + "/" + server, null, null, detail, Proxy.HAPROXY, abort);
    }

    /** Who ended the session ({@code who}) and in which phase, as a type; null when nothing failed. */
    static ErrorType classify(char who, char phase, String server, int status) {
        if ("<NOSRV>".equals(server) && status == 503) {
            return ErrorType.DESTINATION_UNAVAILABLE;
        }
        return switch (who) {
            case 'S' -> switch (phase) {
                case 'C' -> ErrorType.CONNECTION_REFUSED;
                case 'H' -> ErrorType.CONNECTION_TERMINATED;
                case 'D', 'L' -> ErrorType.HTTP_RESPONSE_INCOMPLETE;
                default -> null;
            };
            case 's' -> switch (phase) {
                case 'C' -> ErrorType.CONNECTION_TIMEOUT;
                case 'H' -> ErrorType.HTTP_RESPONSE_TIMEOUT;
                case 'D', 'L' -> ErrorType.CONNECTION_READ_TIMEOUT;
                case 'Q' -> ErrorType.CONNECTION_LIMIT_REACHED;
                default -> null;
            };
            case 'P' -> switch (phase) {
                case 'H', 'D' -> ErrorType.HTTP_PROTOCOL_ERROR;
                case 'R' -> status == 403 ? ErrorType.HTTP_REQUEST_DENIED : ErrorType.HTTP_REQUEST_ERROR;
                default -> null;
            };
            case 'R' -> ErrorType.CONNECTION_LIMIT_REACHED;
            case 'I' -> ErrorType.PROXY_INTERNAL_ERROR;
            case 'D' -> ErrorType.DESTINATION_UNAVAILABLE;
            case 'K' -> ErrorType.CONNECTION_TERMINATED;
            default -> null;
        };
    }
}
