package dev.candor.failure;

import static java.util.Objects.requireNonNull;

/**
 * The lossless account of why an exchange failed: the phase, who ended it, what was observed, and the
 * underlying OS or library error. The error type and status are derived from it, never the reverse.
 *
 * @param error the underlying error as reported (errno name, codec message), or null
 */
public record Cause(Phase phase, Actor actor, Signal signal, String error) {

    public Cause {
        requireNonNull(phase, "phase");
        requireNonNull(actor, "actor");
        requireNonNull(signal, "signal");
    }

    /** The RFC 9209 error type for this cause. */
    public ErrorType type() {
        return switch (signal) {
            case NO_ROUTE -> ErrorType.DESTINATION_NOT_FOUND;
            case NO_ENDPOINT -> ErrorType.DESTINATION_UNAVAILABLE;
            case DNS_TIMEOUT -> ErrorType.DNS_TIMEOUT;
            case DNS_FAILURE -> ErrorType.DNS_ERROR;
            case POOL_FULL -> ErrorType.CONNECTION_LIMIT_REACHED;
            case REFUSED -> ErrorType.CONNECTION_REFUSED;
            case NO_ANSWER -> ErrorType.CONNECTION_TIMEOUT;
            case UNREACHABLE -> ErrorType.DESTINATION_IP_UNROUTABLE;
            case TLS_HANDSHAKE -> ErrorType.TLS_PROTOCOL_ERROR;
            case TLS_CERTIFICATE -> ErrorType.TLS_CERTIFICATE_ERROR;
            case CLOSED, RESET -> switch (phase) {
                case CONNECT -> ErrorType.CONNECTION_REFUSED;
                case RECEIVE_BODY -> ErrorType.HTTP_RESPONSE_INCOMPLETE;
                default -> ErrorType.CONNECTION_TERMINATED;
            };
            case TIMED_OUT -> switch (phase) {
                case CONNECT, TLS -> ErrorType.CONNECTION_TIMEOUT;
                case RECEIVE_BODY -> ErrorType.CONNECTION_READ_TIMEOUT;
                case CLIENT_REQUEST -> ErrorType.HTTP_REQUEST_ERROR;
                case RESOLVE -> ErrorType.DNS_TIMEOUT;
                case QUEUE -> ErrorType.CONNECTION_LIMIT_REACHED;
                default -> ErrorType.HTTP_RESPONSE_TIMEOUT;
            };
            case MALFORMED, TLS_RECORD, HTTP2_PREFACE -> ErrorType.HTTP_PROTOCOL_ERROR;
            case HEADER_TOO_LARGE -> ErrorType.HTTP_RESPONSE_HEADER_SECTION_SIZE;
            case UPGRADE_FAILED -> ErrorType.HTTP_UPGRADE_FAILED;
            case CLIENT_FAULT -> ErrorType.HTTP_REQUEST_ERROR;
            case DENIED -> ErrorType.HTTP_REQUEST_DENIED;
            case DEFECT -> ErrorType.PROXY_INTERNAL_ERROR;
        };
    }

    /**
     * True when the request cannot have reached the upstream application: nothing was sent yet. A
     * request that failed this way may be sent again whatever its method.
     */
    public boolean beforeDelivery() {
        return switch (phase) {
            case CLIENT_REQUEST, ROUTE, SELECT, RESOLVE, QUEUE, CONNECT, TLS -> true;
            case SEND, AWAIT_HEADERS, RECEIVE_BODY -> false;
        };
    }
}
