package dev.candor.client;

import dev.candor.failure.Cause;
import dev.candor.failure.ErrorType;
import dev.candor.failure.Phase;
import dev.candor.failure.Signal;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Errors;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Turning the exceptions Netty delivers into a {@link Cause} ({@link FailureClassifier}), then the cause
 * into its RFC 9209 error type ({@link Cause#type()}). This runs once per failed attempt, not per request,
 * but on the event loop and often in bursts (an endpoint going down fails every request sent to it).
 *
 * <p>The inputs are built as Netty builds them on Linux with the native epoll transport: connect errors
 * come from {@code Errors.handleConnectErrno} and are wrapped with the remote address the way
 * {@code AbstractChannel} annotates them; a reset is Netty's own {@code NativeIoException}. When the
 * native transport cannot load (not Linux x86_64), look-alikes with the same types and messages are used.
 *
 * <p>Left out on purpose: {@code PrematureChannelClosureException}. With the codec settings Candor uses
 * it only arrives as a failed decoder result of the response body, which the proxy turns into a cause
 * itself without calling the classifier.
 *
 * <p>In package {@code dev.candor.client} because the pool and protocol-sniffer exceptions have
 * package-private constructors.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FailureClassifierBenchmark {

    private static final int ECONNREFUSED = 111;
    private static final int ETIMEDOUT = 110;
    private static final int ECONNRESET = 104;
    private static final int ENETUNREACH = 101;

    private Throwable connectTimeout;
    private Throwable connectRefused;
    private Throwable connectKernelTimeout;
    private Throwable noRoute;
    private Throwable poolFull;
    private Throwable reset;
    private Throwable tlsAnswer;
    private Throwable headerTooLarge;
    private Cause[] causes;

    @Setup
    public void setUp() throws Exception {
        boolean nativeErrors = Epoll.isAvailable(); // loads libnetty_transport_native_epoll, which Errors needs
        SocketAddress remote = new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, 0, 0, 11}), 8080);
        connectTimeout = new ConnectTimeoutException("connection timed out after 2000 ms: " + remote);
        connectRefused = annotated(connectError(nativeErrors, ECONNREFUSED, "Connection refused"), remote);
        connectKernelTimeout = annotated(connectError(nativeErrors, ETIMEDOUT, "Connection timed out"), remote);
        noRoute = annotated(connectError(nativeErrors, ENETUNREACH, "Network is unreachable"), remote);
        poolFull = new PoolExhaustedException("10.0.0.11:8080", 64, 2000);
        reset = nativeErrors
                ? Errors.newConnectionResetException("syscall:read", Errors.ERRNO_ECONNRESET_NEGATIVE)
                : new IOException("syscall:read(..) failed with error(-" + ECONNRESET + "): Connection reset by peer");
        tlsAnswer = new ProtocolMismatchException(Signal.TLS_RECORD,
                "the upstream answered with a TLS record (hex 15030300020228): the port expects HTTPS");
        headerTooLarge = new TooLongHttpHeaderException("HTTP header is larger than 16384 bytes.");

        causes = new Cause[] {
                connectTimeout(), connectRefused(), connectKernelTimeout(), noRoute(), poolFull(),
                resetAwaitingHeaders(), resetInBody(), tlsAnswer(), headerTooLarge(),
        };
        expect(causes[1], ErrorType.CONNECTION_REFUSED);
        expect(causes[2], ErrorType.CONNECTION_TIMEOUT);
        expect(causes[3], ErrorType.DESTINATION_IP_UNROUTABLE);
        expect(causes[6], ErrorType.HTTP_RESPONSE_INCOMPLETE);
    }

    /** Netty's own connect timeout (no SYN-ACK within connect_timeout). */
    @Benchmark
    public Cause connectTimeout() {
        return FailureClassifier.connectFailure(connectTimeout);
    }

    /** ECONNREFUSED from the native connect: the errno is read back from the message text. */
    @Benchmark
    public Cause connectRefused() {
        return FailureClassifier.connectFailure(connectRefused);
    }

    /** ETIMEDOUT from the kernel's own SYN retries, the same exception type as a refusal. */
    @Benchmark
    public Cause connectKernelTimeout() {
        return FailureClassifier.connectFailure(connectKernelTimeout);
    }

    /** ENETUNREACH: a message-less exception annotated as "null: /address", so describe() rewrites it. */
    @Benchmark
    public Cause noRoute() {
        return FailureClassifier.connectFailure(noRoute);
    }

    /** No pool slot within the connect timeout. */
    @Benchmark
    public Cause poolFull() {
        return FailureClassifier.connectFailure(poolFull);
    }

    /** ECONNRESET while waiting for the response head (e.g. the upstream crashed). */
    @Benchmark
    public Cause resetAwaitingHeaders() {
        return FailureClassifier.connectionFailure(reset, Phase.AWAIT_HEADERS);
    }

    /** ECONNRESET in the middle of the response body. */
    @Benchmark
    public Cause resetInBody() {
        return FailureClassifier.connectionFailure(reset, Phase.RECEIVE_BODY);
    }

    /** The upstream port speaks TLS: reported by the protocol sniffer. */
    @Benchmark
    public Cause tlsAnswer() {
        return FailureClassifier.connectionFailure(tlsAnswer, Phase.AWAIT_HEADERS);
    }

    /** A response head over the decoder's limit (a failed decoder result, so malformedResponse). */
    @Benchmark
    public Cause headerTooLarge() {
        return FailureClassifier.malformedResponse(headerTooLarge, Phase.AWAIT_HEADERS);
    }

    /** {@link Cause#type()} of each of the causes above; the time is per cause. */
    @Benchmark
    @OperationsPerInvocation(9)
    public void type(Blackhole bh) {
        for (Cause c : causes) {
            bh.consume(c.type());
        }
    }

    /** The exception the native transport throws for a failed non-blocking connect. */
    private static IOException connectError(boolean nativeErrors, int errno, String text) {
        if (nativeErrors) {
            try {
                Errors.handleConnectErrno("finishConnect", -errno); // what the epoll channel calls
            } catch (IOException e) {
                return e;
            }
            throw new IllegalStateException("Netty threw nothing for errno " + errno);
        }
        return errno == ENETUNREACH
                ? new NoRouteToHostException()
                : new ConnectException("finishConnect(..) failed with error(-" + errno + "): " + text);
    }

    /**
     * The exception with the remote address added, as Netty's channel does before failing the connect
     * future: its own package-private subclasses, reached by reflection (setup only), else a look-alike.
     */
    private static Throwable annotated(IOException e, SocketAddress remote) {
        String type = e instanceof NoRouteToHostException ? "AnnotatedNoRouteToHostException" : "AnnotatedConnectException";
        Class<?> declared = e instanceof NoRouteToHostException ? NoRouteToHostException.class : ConnectException.class;
        try {
            Constructor<?> c = Class.forName("io.netty.channel.AbstractChannel$" + type)
                    .getDeclaredConstructor(declared, SocketAddress.class);
            c.setAccessible(true);
            return (Throwable) c.newInstance(e, remote);
        } catch (ReflectiveOperationException | RuntimeException unavailable) {
            String message = e.getMessage() + ": " + remote;
            IOException lookAlike = e instanceof NoRouteToHostException
                    ? new NoRouteToHostException(message) : new ConnectException(message);
            lookAlike.initCause(e);
            return lookAlike;
        }
    }

    private static void expect(Cause cause, ErrorType type) {
        if (cause.type() != type) {
            throw new IllegalStateException(cause + " gave " + cause.type() + ", expected " + type);
        }
    }
}
