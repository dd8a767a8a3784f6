package dev.candor.explain;

import dev.candor.failure.ConfirmCommand;
import dev.candor.failure.ErrorType;

import java.util.regex.Pattern;

/**
 * What to make of a failure and how to see it for oneself: Candor's own catalogue ({@link ErrorType}'s
 * explanation and causes, {@link ConfirmCommand}'s commands), with the next check in the logging proxy's
 * directives ({@link ProxyTerms}).
 */
public final class Advice {
    private static final Pattern ADDRESS = Pattern.compile("^(?:\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9.-]+):\\d{1,5}$");

    private Advice() {
    }

    /** Explanation, likely causes and next check, in one paragraph. */
    public static String of(Failure f) {
        if (f.error() != null) {
            ErrorType t = f.error();
            String next = ProxyTerms.nextCheck(f.proxy(), t);
            return t.summary() + "; likely " + t.likelyCauses() + (next == null ? "" : "; " + next);
        }
        if (f.clientAbort()) {
            return "the client closed the connection before the answer was complete: neither the proxy nor the upstream"
                    + " failed; many of them mean clients give up sooner than the upstream answers";
        }
        return "the upstream made this " + (f.status() == null ? "error" : f.status()) + " itself and " + f.proxy().displayName()
                + " passed it on: not a proxy failure; read the upstream's own log for this request";
    }

    /** A command to run on the proxy's host that shows the failure, or null when none applies. */
    public static String confirm(Failure f) {
        String address = f.upstream() == null || !ADDRESS.matcher(f.upstream()).matches() ? null : f.upstream();
        if (address == null || f.clientAbort()) {
            return null;
        }
        ConfirmCommand.Tls tls = f.detail() != null && f.detail().contains("https://")
                ? new ConfirmCommand.Tls(address.substring(0, address.lastIndexOf(':')), null, false) : null;
        if (f.error() == null) {
            return ConfirmCommand.curl("-sv -g -o /dev/null", f.method(), f.host(), f.uri(), address, tls);
        }
        return ConfirmCommand.forFailure(f.error(), f.method(), f.host(), f.uri(), address, tls);
    }
}
