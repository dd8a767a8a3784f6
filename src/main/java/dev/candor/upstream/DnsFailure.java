package dev.candor.upstream;

import dev.candor.failure.ErrorType;
import dev.candor.failure.Signal;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * A lookup that produced no answer.
 *
 * @param timeout true when no name server answered in time (then {@code rcode} is null)
 * @param rcode the response code's name ({@code NXDOMAIN}, {@code SERVFAIL}, {@code REFUSED}, ...);
 *              {@code NOERROR} when the name exists but has no record of the asked type
 * @param resolver the name server that gave that answer or was last asked, or null when none was reached
 * @param detail one line for operators
 */
public record DnsFailure(String name, boolean timeout, String rcode, String resolver, String detail, Instant at) {
    public DnsFailure {
        requireNonNull(name, "name");
        requireNonNull(detail, "detail");
        requireNonNull(at, "at");
    }

    public ErrorType errorType() {
        return timeout ? ErrorType.DNS_TIMEOUT : ErrorType.DNS_ERROR;
    }

    public Signal signal() {
        return timeout ? Signal.DNS_TIMEOUT : Signal.DNS_FAILURE;
    }
}
