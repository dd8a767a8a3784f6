package dev.candor.explain;

import dev.candor.failure.ErrorType;

/**
 * One failed request as another proxy logged it, classified.
 *
 * @param source {@code FILE:LINE} of the line that tells the most (the error-log line when one was joined)
 * @param time ISO-8601; with the log's offset when it has one, else the log's local time as written
 * @param status the status the client got, or null when the log does not say (an error-log line alone)
 * @param error the RFC 9209 type, or null for a 5xx the upstream made itself or a client that went away
 * @param upstream the upstream address or {@code backend/server} the request went to, or null
 * @param host the request's Host when logged (for the confirming command), or null
 * @param requestId the request id when the log has one (Envoy, Candor), or null
 * @param detail what the log said, in one line
 * @param clientAbort the client went away before the answer (nginx's 499, HAProxy's C and c, Envoy's DC):
 *                    not the proxy's failure nor the upstream's, counted apart
 */
public record Failure(String source, String time, String method, String uri, Integer status, ErrorType error,
                      String upstream, String host, String requestId, String detail, Proxy proxy,
                      boolean clientAbort) {

    /** The group this failure is counted in: its error type, or how it was made when it has none. */
    public String kind() {
        if (error != null) {
            return error.token();
        }
        return clientAbort() ? "client_abort" : "upstream_" + (status == null ? "5xx" : status);
    }
}
