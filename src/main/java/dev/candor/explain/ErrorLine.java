package dev.candor.explain;

import dev.candor.failure.ErrorType;

/**
 * One classified line of an nginx or Apache httpd error log, waiting to be joined with its access-log line.
 *
 * @param localSecond the line's local time as seconds (the proxy host's clock, as both logs write it)
 * @param time the time as written, ISO-8601 without an offset
 * @param client the client's IP address, or null when the line does not name it
 * @param request the request line (nginx), or null
 * @param upstream the upstream address ({@code host:port}), or null
 * @param tls whether the upstream was reached over TLS ({@code https://} in nginx's upstream)
 * @param error the type, or null for a client abort
 * @param sequence the line's number in its file: the order the proxy wrote them in
 */
record ErrorLine(long sequence, long localSecond, String time, String client, String request, String upstream, boolean tls,
                 String host, ErrorType error, boolean clientAbort, String message, String source) {

    /** The join key against an access-log line: client and request line, or the client alone. */
    String key() {
        return request == null ? client : client + ' ' + request;
    }
}
