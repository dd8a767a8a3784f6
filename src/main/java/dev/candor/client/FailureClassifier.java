package dev.candor.client;

import dev.candor.failure.Actor;
import dev.candor.failure.Cause;
import dev.candor.failure.Phase;
import dev.candor.failure.Signal;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.unix.Errors;
import io.netty.handler.codec.http.TooLongHttpHeaderException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;

/**
 * The one place where an exception from talking to an upstream becomes a {@link Cause}: by exception
 * type and errno, never by matching message text. The phase comes from the exchange's state, which the
 * exception cannot know.
 */
public final class FailureClassifier {
    private static final int ECONNREFUSED = 111;
    private static final int ETIMEDOUT = 110;
    private static final int EACCES = 13;
    private static final int EPERM = 1;
    private static final int EADDRINUSE = 98;

    private FailureClassifier() {
    }

    /** A failure to obtain a connection: waiting for a pool slot, resolving or connecting. */
    public static Cause connectFailure(Throwable cause) {
        if (cause instanceof TlsHandshakeFailure tls) {
            return tls.classified(); // classified where the handshake's evidence is (UpstreamTls)
        }
        String error = describe(cause);
        if (cause instanceof PoolExhaustedException) {
            return new Cause(Phase.QUEUE, Actor.PROXY, Signal.POOL_FULL, error);
        }
        if (cause instanceof ConnectTimeoutException) {
            return new Cause(Phase.CONNECT, Actor.NETWORK, Signal.NO_ANSWER, error);
        }
        if (cause instanceof NoRouteToHostException) {
            return new Cause(Phase.CONNECT, Actor.NETWORK, Signal.UNREACHABLE, error);
        }
        if (cause instanceof UnknownHostException) {
            return new Cause(Phase.RESOLVE, Actor.NETWORK, Signal.DNS_FAILURE, error);
        }
        if (cause instanceof ConnectException) {
            // Netty's native transport reports every connect errno as a ConnectException and keeps the
            // errno only as the number it formats into the message ("error(-111)"); read that number
            // so a firewall's EACCES or a kernel ETIMEDOUT is not mistaken for a refusal.
            int errno = nettyErrno(cause.getMessage());
            if (errno == ETIMEDOUT) {
                return new Cause(Phase.CONNECT, Actor.NETWORK, Signal.NO_ANSWER, error);
            }
            if (errno == EACCES || errno == EPERM) {
                return new Cause(Phase.CONNECT, Actor.NETWORK, Signal.UNREACHABLE, error);
            }
            return new Cause(Phase.CONNECT, Actor.UPSTREAM, Signal.REFUSED, error);
        }
        if (cause instanceof IOException) {
            return new Cause(Phase.CONNECT, Actor.NETWORK, Signal.RESET, error);
        }
        return new Cause(Phase.CONNECT, Actor.PROXY, Signal.DEFECT, error);
    }

    /** A failure on an established connection, in the phase the exchange was in. */
    public static Cause connectionFailure(Throwable cause, Phase phase) {
        String error = describe(cause);
        javax.net.ssl.SSLException tls = tlsFailure(cause);
        if (tls != null) {
            // The TLS layer of an established connection failed, most often an alert the upstream sent
            // after Candor's side of the handshake was done (TLS 1.3 refuses a client certificate so).
            return new Cause(phase, Actor.UPSTREAM, Signal.TLS_HANDSHAKE, "the upstream ended the TLS session: "
                    + describe(tls) + " (with TLS 1.3 an upstream that refuses Candor's client certificate, or"
                    + " wants one, says so only now: check tls.cert and tls.key)");
        }
        if (cause instanceof ProtocolMismatchException mismatch) {
            return new Cause(phase, Actor.UPSTREAM, mismatch.signal(), error);
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return new Cause(phase, Actor.UPSTREAM, Signal.HEADER_TOO_LARGE, error);
        }
        if (cause instanceof Errors.NativeIoException nio && -nio.expectedErr() == ECONNREFUSED) {
            return new Cause(phase, Actor.UPSTREAM, Signal.REFUSED, error);
        }
        if (cause instanceof IOException) {
            // ECONNRESET, EPIPE and their NIO equivalents: the peer reset or had already closed.
            return new Cause(phase, Actor.UPSTREAM, Signal.RESET, error);
        }
        if (cause instanceof io.netty.handler.codec.DecoderException) {
            return new Cause(phase, Actor.UPSTREAM, Signal.MALFORMED, error);
        }
        return new Cause(phase, Actor.PROXY, Signal.DEFECT, error);
    }

    /** A response the codec could not parse. */
    public static Cause malformedResponse(Throwable cause, Phase phase) {
        if (cause instanceof TooLongHttpHeaderException) {
            return new Cause(phase, Actor.UPSTREAM, Signal.HEADER_TOO_LARGE, describe(cause));
        }
        return new Cause(phase, Actor.UPSTREAM, Signal.MALFORMED, describe(cause));
    }

    /** The TLS exception in {@code cause}'s chain (the codec wraps it), or null. */
    private static javax.net.ssl.SSLException tlsFailure(Throwable cause) {
        for (int depth = 0; cause != null && depth < 5; depth++, cause = cause.getCause()) {
            if (cause instanceof javax.net.ssl.SSLException ssl) {
                return ssl;
            }
        }
        return null;
    }

    /** The errno Netty formats as {@code error(-N)}, as a positive number; 0 when absent. */
    static int nettyErrno(String message) {
        if (message == null) {
            return 0;
        }
        int at = message.indexOf("error(-");
        if (at < 0) {
            return 0;
        }
        int n = 0;
        for (int i = at + 7; i < message.length() && Character.isDigit(message.charAt(i)); i++) {
            n = n * 10 + (message.charAt(i) - '0');
        }
        return n;
    }

    /**
     * The exception as evidence: its message, or its type when it has none. An OS error from Netty's
     * native transport ({@code "finishConnect(..) failed with error(-111): Connection refused: /10.0.0.1:80"})
     * is worded with the errno's name, which is what operators search for: {@code "ECONNREFUSED on
     * connect: Connection refused"} (the caller names the endpoint).
     */
    public static String describe(Throwable cause) {
        if (cause == null) {
            return null;
        }
        String message = cause.getMessage();
        if (message == null) {
            return cause.getClass().getSimpleName();
        }
        if (message.startsWith("null")) {
            // Netty annotates a message-less exception with the address: "null: /10.0.0.1:80". Name the
            // original exception instead (e.g. NoRouteToHostException for EHOSTUNREACH).
            Throwable original = cause.getCause() != null ? cause.getCause() : cause;
            return original.getClass().getSimpleName() + withoutSlash(message.substring(4));
        }
        return osError(withoutSlash(message));
    }

    /**
     * Why a listening socket could not be opened on {@code address} ({@code host:port}), and for a port
     * already taken, how to see who holds it.
     */
    public static String bindFailure(Throwable cause, String address) {
        String why = describe(cause);
        if (nettyErrno(cause.getMessage()) == EADDRINUSE || cause instanceof java.net.BindException) {
            String port = address.substring(address.lastIndexOf(':') + 1);
            return why + " (another process listens there: ss -ltnp 'sport = :" + port + "')";
        }
        return why;
    }

    /** Netty's {@code "call(..) failed with error(-N): text[: address]"} as {@code "NAME on call: text"}. */
    static String osError(String message) {
        int errno = nettyErrno(message);
        int call = message.indexOf("(..) failed with error(-");
        int text = message.indexOf("): ", call + 1);
        if (errno == 0 || call <= 0 || text < 0) {
            return message;
        }
        String rest = message.substring(text + 3);
        int address = rest.indexOf(": ");
        String name = errnoName(errno);
        return (name == null ? "errno " + errno : name) + " on " + syscall(message.substring(0, call)) + ": "
                + (address < 0 ? rest : rest.substring(0, address));
    }

    /** The system call as the man pages name it, rather than Netty's method name. */
    private static String syscall(String nettyMethod) {
        String m = nettyMethod.toLowerCase(java.util.Locale.ROOT);
        if (m.contains("connect")) {
            return "connect";
        }
        if (m.startsWith("read") || m.startsWith("recv")) {
            return "read";
        }
        if (m.startsWith("write") || m.startsWith("send") || m.startsWith("splice")) {
            return "write";
        }
        return nettyMethod;
    }

    /** Linux's name for the errnos a proxy meets; null for others. */
    static String errnoName(int errno) {
        return switch (errno) {
            case EPERM -> "EPERM";
            case EACCES -> "EACCES";
            case 23 -> "ENFILE";
            case 24 -> "EMFILE";
            case 32 -> "EPIPE";
            case EADDRINUSE -> "EADDRINUSE";
            case 99 -> "EADDRNOTAVAIL";
            case 101 -> "ENETUNREACH";
            case 103 -> "ECONNABORTED";
            case 104 -> "ECONNRESET";
            case 105 -> "ENOBUFS";
            case ETIMEDOUT -> "ETIMEDOUT";
            case ECONNREFUSED -> "ECONNREFUSED";
            case 112 -> "EHOSTDOWN";
            case 113 -> "EHOSTUNREACH";
            default -> null;
        };
    }

    /** Netty writes the address an error is about as {@code ": /10.0.0.1:80"}; the slash is noise. */
    private static String withoutSlash(String message) {
        return message.replace(": /", ": ");
    }
}
