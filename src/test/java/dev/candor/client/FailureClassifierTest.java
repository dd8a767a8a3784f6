package dev.candor.client;

import dev.candor.failure.Actor;
import dev.candor.failure.Cause;
import dev.candor.failure.ErrorType;
import dev.candor.failure.Phase;
import dev.candor.failure.Signal;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.UnknownHostException;

import static org.assertj.core.api.Assertions.assertThat;

class FailureClassifierTest {

    /** The message Netty's native transport gives a failed non-blocking connect. */
    private static ConnectException nativeConnect(int errno, String text) {
        return new ConnectException("finishConnect(..) failed with error(-" + errno + "): " + text);
    }

    @Test
    void aConnectTimeoutIsASynWithNoAnswer() {
        Cause cause = FailureClassifier.connectFailure(
                new ConnectTimeoutException("connection timed out after 2000 ms: /10.0.0.11:8080"));

        assertThat(cause).isEqualTo(new Cause(Phase.CONNECT, Actor.NETWORK, Signal.NO_ANSWER,
                "connection timed out after 2000 ms: 10.0.0.11:8080"));
        assertThat(cause.type()).isEqualTo(ErrorType.CONNECTION_TIMEOUT);
    }

    @Test
    void econnrefusedFromTheNativeTransportIsARefusalByTheUpstream() {
        Cause cause = FailureClassifier.connectFailure(nativeConnect(111, "Connection refused"));

        assertThat(cause.phase()).isEqualTo(Phase.CONNECT);
        assertThat(cause.actor()).isEqualTo(Actor.UPSTREAM);
        assertThat(cause.signal()).isEqualTo(Signal.REFUSED);
        assertThat(cause.error()).isEqualTo("ECONNREFUSED on connect: Connection refused");
        assertThat(cause.type()).isEqualTo(ErrorType.CONNECTION_REFUSED);
    }

    @Test
    void eaccesOrEpermFromTheNativeTransportIsAFirewallNotARefusal() {
        assertThat(FailureClassifier.connectFailure(nativeConnect(13, "Permission denied")).signal())
                .isEqualTo(Signal.UNREACHABLE);
        assertThat(FailureClassifier.connectFailure(nativeConnect(1, "Operation not permitted")).signal())
                .isEqualTo(Signal.UNREACHABLE);
        assertThat(FailureClassifier.connectFailure(nativeConnect(13, "Permission denied")).actor())
                .isEqualTo(Actor.NETWORK);
    }

    @Test
    void etimedoutFromTheKernelIsASynWithNoAnswerNotARefusal() {
        Cause cause = FailureClassifier.connectFailure(nativeConnect(110, "Connection timed out"));

        assertThat(cause.signal()).isEqualTo(Signal.NO_ANSWER);
        assertThat(cause.actor()).isEqualTo(Actor.NETWORK);
        assertThat(cause.type()).isEqualTo(ErrorType.CONNECTION_TIMEOUT);
    }

    @Test
    void noRouteToHostIsUnreachable() {
        // Netty's native transport turns EHOSTUNREACH and ENETUNREACH into this exception, without a message.
        Cause cause = FailureClassifier.connectFailure(new NoRouteToHostException());

        assertThat(cause).isEqualTo(new Cause(Phase.CONNECT, Actor.NETWORK, Signal.UNREACHABLE,
                "NoRouteToHostException"));
        assertThat(cause.type()).isEqualTo(ErrorType.DESTINATION_IP_UNROUTABLE);
    }

    @Test
    void aFullPoolIsWaitedForInTheQueueAndBlamedOnTheProxy() {
        Cause cause = FailureClassifier.connectFailure(new PoolExhaustedException("10.0.0.11:8080", 4, 250));

        assertThat(cause.phase()).isEqualTo(Phase.QUEUE);
        assertThat(cause.actor()).isEqualTo(Actor.PROXY);
        assertThat(cause.signal()).isEqualTo(Signal.POOL_FULL);
        assertThat(cause.error()).contains("pool.max_connections=4", "250ms");
        assertThat(cause.type()).isEqualTo(ErrorType.CONNECTION_LIMIT_REACHED);
    }

    @Test
    void anUnknownHostIsADnsFailureWhileResolving() {
        Cause cause = FailureClassifier.connectFailure(new UnknownHostException("api.internal"));

        assertThat(cause).isEqualTo(new Cause(Phase.RESOLVE, Actor.NETWORK, Signal.DNS_FAILURE, "api.internal"));
        assertThat(cause.type()).isEqualTo(ErrorType.DNS_ERROR);
    }

    @Test
    void anythingThatIsNotAnIoErrorWhileConnectingIsADefect() {
        Cause cause = FailureClassifier.connectFailure(new IllegalStateException());

        assertThat(cause).isEqualTo(new Cause(Phase.CONNECT, Actor.PROXY, Signal.DEFECT, "IllegalStateException"));
        assertThat(cause.type()).isEqualTo(ErrorType.PROXY_INTERNAL_ERROR);
    }

    @ParameterizedTest
    @EnumSource(value = Signal.class, names = {"TLS_RECORD", "HTTP2_PREFACE"})
    void aProtocolMismatchKeepsItsSignalAndThePhaseItHappenedIn(Signal signal) {
        Cause cause = FailureClassifier.connectionFailure(
                new ProtocolMismatchException(signal, "the upstream answered with something else"), Phase.AWAIT_HEADERS);

        assertThat(cause).isEqualTo(new Cause(Phase.AWAIT_HEADERS, Actor.UPSTREAM, signal,
                "the upstream answered with something else"));
        assertThat(cause.type()).isEqualTo(ErrorType.HTTP_PROTOCOL_ERROR);
    }

    @Test
    void anOversizedResponseHeaderIsHeaderTooLarge() {
        Cause cause = FailureClassifier.connectionFailure(
                new TooLongHttpHeaderException("HTTP header is larger than 16384 bytes."), Phase.AWAIT_HEADERS);

        assertThat(cause.signal()).isEqualTo(Signal.HEADER_TOO_LARGE);
        assertThat(cause.actor()).isEqualTo(Actor.UPSTREAM);
        assertThat(cause.type()).isEqualTo(ErrorType.HTTP_RESPONSE_HEADER_SECTION_SIZE);
    }

    @ParameterizedTest
    @EnumSource(value = Phase.class, names = {"SEND", "AWAIT_HEADERS", "RECEIVE_BODY"})
    void aPlainIoErrorOnAnOpenConnectionIsAResetInTheGivenPhase(Phase phase) {
        Cause cause = FailureClassifier.connectionFailure(new IOException("Connection reset by peer"), phase);

        assertThat(cause).isEqualTo(new Cause(phase, Actor.UPSTREAM, Signal.RESET, "Connection reset by peer"));
    }

    @Test
    void aSocketExceptionIsAnIoErrorToo() {
        assertThat(FailureClassifier.connectionFailure(new SocketException("Broken pipe"), Phase.SEND).signal())
                .isEqualTo(Signal.RESET);
    }

    @Test
    void anyOtherDecoderErrorOnAnOpenConnectionIsAMalformedResponse() {
        Cause cause = FailureClassifier.connectionFailure(new DecoderException("invalid version format: \u0015"),
                Phase.AWAIT_HEADERS);

        assertThat(cause.signal()).isEqualTo(Signal.MALFORMED);
        assertThat(cause.type()).isEqualTo(ErrorType.HTTP_PROTOCOL_ERROR);
    }

    @Test
    void anythingElseOnAnOpenConnectionIsADefect() {
        assertThat(FailureClassifier.connectionFailure(new NullPointerException(), Phase.RECEIVE_BODY))
                .isEqualTo(new Cause(Phase.RECEIVE_BODY, Actor.PROXY, Signal.DEFECT, "NullPointerException"));
    }

    @Test
    void aResponseTheCodecCouldNotParseIsMalformedUnlessItsHeaderWasTooLarge() {
        assertThat(FailureClassifier.malformedResponse(new IllegalArgumentException("bad chunk"), Phase.RECEIVE_BODY))
                .isEqualTo(new Cause(Phase.RECEIVE_BODY, Actor.UPSTREAM, Signal.MALFORMED, "bad chunk"));
        assertThat(FailureClassifier.malformedResponse(new TooLongHttpHeaderException("too long"), Phase.AWAIT_HEADERS)
                .signal()).isEqualTo(Signal.HEADER_TOO_LARGE);
    }

    @Test
    void theErrnoIsReadFromNettysErrorFormatOnly() {
        assertThat(FailureClassifier.nettyErrno("connect(..) failed with error(-111): Connection refused")).isEqualTo(111);
        assertThat(FailureClassifier.nettyErrno("Connection refused")).isZero();
        assertThat(FailureClassifier.nettyErrno("error(-)")).isZero();
        assertThat(FailureClassifier.nettyErrno(null)).isZero();
    }

    @Test
    void describeGivesTheMessageOrTheTypeName() {
        assertThat(FailureClassifier.describe(new IOException("boom"))).isEqualTo("boom");
        assertThat(FailureClassifier.describe(new IOException())).isEqualTo("IOException");
        assertThat(FailureClassifier.describe(null)).isNull();
    }

    @Test
    void anOsErrorFromTheNativeTransportIsWordedWithTheErrnoNameAndTheSystemCall() {
        assertThat(FailureClassifier.describe(new ConnectException(
                "finishConnect(..) failed with error(-111): Connection refused: /127.0.0.1:8080")))
                .as("the caller names the endpoint").isEqualTo("ECONNREFUSED on connect: Connection refused");
        assertThat(FailureClassifier.describe(new IOException("recvAddress(..) failed with error(-104): Connection reset by peer")))
                .isEqualTo("ECONNRESET on read: Connection reset by peer");
        assertThat(FailureClassifier.describe(new IOException("writevAddresses(..) failed with error(-32): Broken pipe")))
                .isEqualTo("EPIPE on write: Broken pipe");
        assertThat(FailureClassifier.describe(new IOException("accept(..) failed with error(-71): Protocol error")))
                .as("an errno without a name here keeps its number").isEqualTo("errno 71 on accept: Protocol error");
        assertThat(FailureClassifier.describe(new ConnectException("Connection refused: /[::1]:8080")))
                .as("the NIO transport's wording, only the slash goes").isEqualTo("Connection refused: [::1]:8080");
    }
}
