package dev.candor.explain;

import dev.candor.failure.ErrorType;

import java.util.ArrayList;
import java.util.List;

/**
 * Envoy's default access log: {@code [START_TIME] "METHOD PATH PROTOCOL" RESPONSE_CODE RESPONSE_FLAGS}, in
 * newer defaults (and Istio's) {@code RESPONSE_CODE_DETAILS CONNECTION_TERMINATION_DETAILS
 * "UPSTREAM_TRANSPORT_FAILURE_REASON"}, then {@code BYTES_RECEIVED BYTES_SENT DURATION UPSTREAM_SERVICE_TIME
 * "X-FORWARDED-FOR" "USER-AGENT" "X-REQUEST-ID" "AUTHORITY" "UPSTREAM_HOST"}. The response flags fold several
 * causes into one ({@code UF} is any connect failure); the details and the transport failure reason, when
 * present, tell them apart.
 */
final class EnvoyLog {

    private EnvoyLog() {
    }

    /** The line as a failure, or null when the request went well. */
    static Failure read(LogLines in) throws Unreadable {
        String line = in.latin1();
        int close = line.indexOf("] \"");
        if (line.isEmpty() || line.charAt(0) != '[' || close < 0) {
            throw Unreadable.LINE;
        }
        int reqEnd = line.indexOf("\" ", close + 3);
        if (reqEnd < 0) {
            throw Unreadable.LINE;
        }
        int statusEnd = line.indexOf(' ', reqEnd + 2);
        int flagsEnd = statusEnd < 0 ? -1 : line.indexOf(' ', statusEnd + 1);
        if (flagsEnd < 0) {
            throw Unreadable.LINE;
        }
        int status = Times.digits(line, reqEnd + 2, statusEnd - reqEnd - 2);
        if (status < 0) {
            throw Unreadable.LINE;
        }
        String flags = line.substring(statusEnd + 1, flagsEnd);
        if (status < 500 && flags.equals("-")) {
            return null;
        }
        String full = in.utf8();
        return failure(full, in.source(), status, flags);
    }

    private static Failure failure(String line, String source, int status, String flags) throws Unreadable {
        int close = line.indexOf("] \"");
        String time = line.substring(1, close);
        int reqEnd = line.indexOf("\" ", close + 3);
        String[] mu = CombinedLog.methodAndUri(line.substring(close + 3, reqEnd));
        List<String> tokens = tokens(line.substring(reqEnd + 2));
        // status, flags, then details until BYTES_RECEIVED (the first number after them)
        int i = 2;
        StringBuilder details = new StringBuilder();
        while (i < tokens.size() && !isNumber(tokens.get(i))) {
            String t = tokens.get(i++);
            if (!t.equals("-") && !t.isEmpty()) {
                details.append(details.length() == 0 ? "" : " ").append(t);
            }
        }
        // bytes received, bytes sent, duration, upstream service time, then the quoted fields
        i += 4;
        if (i + 5 > tokens.size()) {
            throw Unreadable.LINE;
        }
        String requestId = dash(tokens.get(i + 2));
        String authority = dash(tokens.get(i + 3));
        String upstream = dash(tokens.get(i + 4));
        String why = details.toString();
        boolean abort = flags.contains("DC");
        ErrorType type = abort ? null : classify(flags, why, status);
        String detail = "response flags " + flags + (why.isEmpty() ? "" : ", " + why);
        return new Failure(source, time, mu[0], mu[1], status == 0 ? null : status, type, upstream, authority,
                requestId, detail, Proxy.ENVOY, abort);
    }

    /** The type for Envoy's response flags and details; null when the upstream answered itself. */
    static ErrorType classify(String flags, String details, int status) {
        String d = details.toLowerCase(java.util.Locale.ROOT);
        for (String f : flags.split(",")) {
            ErrorType t = switch (f) {
                case "UF" -> connectFailure(d);
                case "UO" -> ErrorType.CONNECTION_LIMIT_REACHED;
                case "UH", "NC" -> ErrorType.DESTINATION_UNAVAILABLE;
                case "NR" -> ErrorType.DESTINATION_NOT_FOUND;
                case "UT", "DT" -> ErrorType.HTTP_RESPONSE_TIMEOUT;
                case "SI" -> status >= 500 ? ErrorType.HTTP_RESPONSE_TIMEOUT : ErrorType.CONNECTION_READ_TIMEOUT;
                case "UR", "UC", "LR" -> d.contains("after_response_started") ? ErrorType.HTTP_RESPONSE_INCOMPLETE
                        : d.contains("overflow") ? ErrorType.CONNECTION_LIMIT_REACHED : ErrorType.CONNECTION_TERMINATED;
                case "UPE" -> d.contains("header") && (d.contains("size") || d.contains("too large") || d.contains("overflow"))
                        ? ErrorType.HTTP_RESPONSE_HEADER_SECTION_SIZE : ErrorType.HTTP_PROTOCOL_ERROR;
                case "DF" -> ErrorType.DNS_ERROR;
                case "RL", "UAEX", "RLSE" -> ErrorType.HTTP_REQUEST_DENIED;
                case "DPE", "DI" -> ErrorType.HTTP_REQUEST_ERROR;
                default -> null;
            };
            if (t != null) {
                return t;
            }
        }
        if (d.contains("upstream_response_timeout")) {
            return ErrorType.HTTP_RESPONSE_TIMEOUT;
        }
        return null;
    }

    private static ErrorType connectFailure(String details) {
        if (details.contains("certificate") || details.contains("verify")) {
            return ErrorType.TLS_CERTIFICATE_ERROR;
        }
        if (details.contains("tls") || details.contains("ssl")) {
            return ErrorType.TLS_PROTOCOL_ERROR;
        }
        if (details.contains("timeout") || details.contains("timed_out") || details.contains("timed out")) {
            return ErrorType.CONNECTION_TIMEOUT;
        }
        if (details.contains("no_route") || details.contains("no route") || details.contains("unreachable")) {
            return ErrorType.DESTINATION_IP_UNROUTABLE;
        }
        return ErrorType.CONNECTION_REFUSED;
    }

    /** Space-separated tokens; a double-quoted token keeps its spaces and loses its quotes. */
    static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            if (text.charAt(i) == ' ') {
                i++;
            } else if (text.charAt(i) == '"') {
                int end = text.indexOf('"', i + 1);
                end = end < 0 ? n : end;
                out.add(text.substring(i + 1, end));
                i = end + 1;
            } else {
                int end = text.indexOf(' ', i);
                end = end < 0 ? n : end;
                out.add(text.substring(i, end));
                i = end;
            }
        }
        return out;
    }

    private static boolean isNumber(String t) {
        return !t.isEmpty() && t.chars().allMatch(Character::isDigit);
    }

    private static String dash(String v) {
        return v.equals("-") || v.isEmpty() ? null : v;
    }
}
