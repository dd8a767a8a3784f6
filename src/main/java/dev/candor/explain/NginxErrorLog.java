package dev.candor.explain;

import dev.candor.failure.ErrorType;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * nginx's error log, for the lines its proxy module writes about an upstream (ngx_http_upstream). The
 * message says what failed ({@code connect() failed (111: Connection refused)}, {@code upstream timed
 * out}, {@code upstream prematurely closed connection}…) and the phase says when ({@code while connecting
 * to upstream}, {@code while reading response header from upstream}, {@code while reading upstream}):
 * together they are one RFC 9209 type.
 */
final class NginxErrorLog {
    private static final Pattern LINE = Pattern.compile(
            "^(\\d{4})/(\\d{2})/(\\d{2}) (\\d{2}):(\\d{2}):(\\d{2}) \\[(\\w+)\\] \\d+#\\d+: (?:\\*\\d+ )?(.*)$");
    private static final Pattern CLIENT = Pattern.compile(", client: ([^,]+)");
    private static final Pattern REQUEST = Pattern.compile(", request: \"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern UPSTREAM = Pattern.compile(", upstream: \"([a-z]+)://([^/\"]+)[^\"]*\"");
    private static final Pattern HOST = Pattern.compile(", host: \"([^\"]*)\"");

    private NginxErrorLog() {
    }

    /** The line as an upstream failure or client abort; null for any other error-log line (not counted). */
    static ErrorLine parse(String line, String source, long sequence) {
        if (line.indexOf("upstream") < 0 && line.indexOf("client ") < 0 && line.indexOf("resolve") < 0) {
            return null;
        }
        Matcher m = LINE.matcher(line);
        if (!m.matches()) {
            return null;
        }
        String rest = m.group(8);
        int context = rest.indexOf(", client: ");
        String message = context < 0 ? rest : rest.substring(0, context);
        boolean abort = message.contains("client prematurely closed connection")
                || message.contains("client closed connection");
        ErrorType type = abort ? null : classify(message);
        if (type == null && !abort) {
            return null;
        }
        String request = group(REQUEST, rest);
        if (abort && request == null) {
            return null; // a keep-alive connection closed between requests: nothing was asked
        }
        String client = group(CLIENT, rest);
        Matcher u = UPSTREAM.matcher(rest);
        String upstream = null;
        boolean tls = false;
        if (u.find()) {
            upstream = u.group(2);
            tls = "https".equals(u.group(1));
        }
        long second = Times.localSecond(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
                Integer.parseInt(m.group(6)));
        String time = m.group(1) + "-" + m.group(2) + "-" + m.group(3) + "T" + m.group(4) + ":" + m.group(5) + ":" + m.group(6);
        return new ErrorLine(sequence, second, time, client, request, upstream, tls, group(HOST, rest), type, abort,
                message, source);
    }

    /** The type for one message of ngx_http_upstream and its resolver; null when it is not a proxy failure. */
    static ErrorType classify(String message) {
        if (message.contains("no live upstreams")) {
            return ErrorType.DESTINATION_UNAVAILABLE;
        }
        if (message.contains("could not be resolved") || message.contains("host not found")) {
            return message.contains("timed out") ? ErrorType.DNS_TIMEOUT : ErrorType.DNS_ERROR;
        }
        if (message.contains("certificate verify error") || message.contains("SSL certificate does not match")) {
            return ErrorType.TLS_CERTIFICATE_ERROR;
        }
        if (message.contains("SSL_do_handshake() failed") || message.contains("SSL_connect")) {
            return ErrorType.TLS_PROTOCOL_ERROR;
        }
        if (message.contains("upstream sent too big header")) {
            return ErrorType.HTTP_RESPONSE_HEADER_SECTION_SIZE;
        }
        if (message.contains("upstream sent")) {
            // invalid header, no valid HTTP/1.0 header, invalid chunked response, duplicate or unexpected data
            return ErrorType.HTTP_PROTOCOL_ERROR;
        }
        boolean connecting = message.contains("while connecting to upstream");
        boolean body = message.contains("while reading upstream");
        if (message.contains("(111: Connection refused)")) {
            return ErrorType.CONNECTION_REFUSED;
        }
        if (message.contains("(113: No route to host)") || message.contains("(101: Network is unreachable)")) {
            return ErrorType.DESTINATION_IP_UNROUTABLE;
        }
        if (message.contains("upstream timed out")) {
            return connecting ? ErrorType.CONNECTION_TIMEOUT
                    : body ? ErrorType.CONNECTION_READ_TIMEOUT : ErrorType.HTTP_RESPONSE_TIMEOUT;
        }
        if (message.contains("upstream prematurely closed") || message.contains("Connection reset by peer")
                || message.contains("Broken pipe")) {
            return body ? ErrorType.HTTP_RESPONSE_INCOMPLETE : ErrorType.CONNECTION_TERMINATED;
        }
        return null;
    }

    private static String group(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? m.group(1) : null;
    }
}
