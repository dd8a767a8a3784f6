package dev.candor.explain;

import dev.candor.failure.ErrorType;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Apache httpd's error_log in its default ErrorLogFormat, for the lines mod_proxy and mod_proxy_http write:
 * {@code [Mon Dec 07 12:40:01.123456 2026] [proxy:error] [pid 81:tid 99] (111)Connection refused: AH00957:
 * http: attempt to connect to 127.0.0.1:9 (127.0.0.1:9) failed}. The OS error in parentheses and the AH
 * message number make the type. One failure is often several lines of one thread, only the last naming the
 * client: {@link ErrorSource} joins them.
 */
final class ApacheErrorLog {
    private static final Pattern LINE = Pattern.compile("^\\[\\w{3} (\\w{3}) ([ \\d]\\d) (\\d{2}):(\\d{2}):(\\d{2})(?:\\.\\d+)? (\\d{4})\\]"
            + " \\[([\\w-]*):(\\w+)\\] \\[pid (\\d+)(?::tid (\\d+))?\\] (?:\\S+\\(\\d+\\): )?(?:\\((-?\\d+)\\)([^:]*): )?"
            + "(?:\\[client ([^\\]]+)\\] )?(.*)$");
    private static final Pattern ADDRESS = Pattern.compile("(?:connect to|remote server|connection for \\(|backend:) ?([\\w.:\\[\\]-]+?:\\d+)");

    private ApacheErrorLog() {
    }

    /** A parsed line, before lines of one thread are joined. */
    record Parsed(ErrorLine line, String thread, String clientPort) {
    }

    /** The line, classified or not (an unclassified proxy line may still be joined to a classified one); null if not mod_proxy's. */
    static Parsed parse(String text, String source, long sequence) {
        Matcher m = LINE.matcher(text);
        if (!m.matches()) {
            return null;
        }
        String module = m.group(7);
        if (!module.startsWith("proxy")) {
            return null;
        }
        String errno = m.group(11);
        String os = errno == null ? null : "(" + errno + ")" + m.group(12);
        String message = m.group(14);
        int comma = message.indexOf(", referer: ");
        if (comma >= 0) {
            message = message.substring(0, comma);
        }
        String client = m.group(13);
        String port = null;
        if (client != null) {
            port = client.substring(client.lastIndexOf(':') + 1);
            int colon = client.lastIndexOf(':');
            client = colon > 0 && client.indexOf(':') == colon ? client.substring(0, colon) : client;
            if (client.startsWith("[")) {
                client = client.substring(1, client.indexOf(']'));
            }
        }
        int month = Times.month(m.group(1), 0);
        int day = Integer.parseInt(m.group(2).trim());
        long second = Times.localSecond(Integer.parseInt(m.group(6)), month, day, Integer.parseInt(m.group(3)),
                Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)));
        String time = m.group(6) + "-" + (month < 10 ? "0" : "") + month + "-" + (day < 10 ? "0" : "") + day
                + "T" + m.group(3) + ":" + m.group(4) + ":" + m.group(5);
        Matcher a = ADDRESS.matcher(message);
        String upstream = a.find() ? a.group(1) : null;
        ErrorType type = classify(errno == null ? 0 : Integer.parseInt(errno), message);
        String said = os == null ? message : os + ": " + message;
        return new Parsed(new ErrorLine(sequence, second, time, client, null, upstream, false, null, type, false, said, source),
                m.group(9) + ":" + m.group(10), port);
    }

    /** The type of one mod_proxy message with the OS error before it (0 when none); null when not a failure. */
    static ErrorType classify(int errno, String message) {
        if (message.contains("DNS lookup failure")) {
            return ErrorType.DNS_ERROR;
        }
        if (message.contains("certificate verify") || message.contains("certificate verification")) {
            return ErrorType.TLS_CERTIFICATE_ERROR;
        }
        if (message.contains("SSL Proxy") || message.contains("SSL handshake") || message.contains("SSL library error")) {
            return ErrorType.TLS_PROTOCOL_ERROR;
        }
        if (message.contains("AH00940") || message.contains("All workers are in error state")
                || message.contains("disabled connection")) {
            return ErrorType.DESTINATION_UNAVAILABLE;
        }
        if (message.contains("size is over the limit") || message.contains("header too long")
                || message.contains("AH10124")) {
            return ErrorType.HTTP_RESPONSE_HEADER_SECTION_SIZE;
        }
        boolean timeout = errno == 70007 || errno == 110;
        if (message.contains("attempt to connect to") || message.contains("failed to make connection")
                || message.contains("disabling worker")) {
            return switch (errno) {
                case 113, 101 -> ErrorType.DESTINATION_IP_UNROUTABLE;
                case 110, 70007 -> ErrorType.CONNECTION_TIMEOUT;
                default -> ErrorType.CONNECTION_REFUSED;
            };
        }
        if (message.contains("error reading response") || message.contains("AH01110")) {
            return timeout ? ErrorType.CONNECTION_READ_TIMEOUT : ErrorType.HTTP_RESPONSE_INCOMPLETE;
        }
        if (message.contains("error reading status line") || message.contains("Error reading from remote server")
                || message.contains("pass request body failed")) {
            return timeout ? ErrorType.HTTP_RESPONSE_TIMEOUT : ErrorType.CONNECTION_TERMINATED;
        }
        if (message.contains("bad HTTP") || message.contains("Invalid response") || message.contains("malformed header")) {
            return ErrorType.HTTP_PROTOCOL_ERROR;
        }
        return null;
    }
}
