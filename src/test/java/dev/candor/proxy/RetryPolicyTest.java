package dev.candor.proxy;

import dev.candor.failure.Actor;
import dev.candor.failure.Cause;
import dev.candor.failure.Phase;
import dev.candor.failure.Signal;
import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class RetryPolicyTest {

    private static Cause cause(Signal signal, Phase phase) {
        return new Cause(phase, Actor.UPSTREAM, signal, null);
    }

    /** A stale-retry question where only the arguments named by the test differ from "retry". */
    private static boolean retry(Signal signal, Phase phase, String method, boolean headWritten) {
        return RetryPolicy.retryStale(cause(signal, phase), true, HttpMethod.valueOf(method), headWritten,
                false, false, 0);
    }

    @ParameterizedTest(name = "{0} in {1}, head written {2}")
    @CsvSource({
            "CLOSED, SEND,          false",
            "CLOSED, SEND,          true",
            "CLOSED, AWAIT_HEADERS, true",
            "RESET,  SEND,          false",
            "RESET,  SEND,          true",
            "RESET,  AWAIT_HEADERS, true"})
    void aGetOnAReusedConnectionThatEndedBeforeTheResponseIsRetried(Signal signal, Phase phase, boolean headWritten) {
        assertThat(retry(signal, phase, "GET", headWritten)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"})
    void everyIdempotentMethodIsRetriedEvenAfterItsHeadWasWritten(String method) {
        assertThat(retry(Signal.CLOSED, Phase.AWAIT_HEADERS, method, true)).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"CLOSED, SEND", "CLOSED, AWAIT_HEADERS", "RESET, SEND", "RESET, AWAIT_HEADERS"})
    void aPostWhoseHeadWasWrittenIsNotRetriedBecauseTheUpstreamMayHaveActedOnIt(Signal signal, Phase phase) {
        assertThat(retry(signal, phase, "POST", true)).isFalse();
        assertThat(retry(signal, phase, "PATCH", true)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PATCH"})
    void aNonIdempotentRequestWhoseHeadNeverReachedTheSocketIsRetried(String method) {
        assertThat(retry(Signal.CLOSED, Phase.SEND, method, false)).isTrue();
        assertThat(retry(Signal.RESET, Phase.SEND, method, false)).isTrue();
    }

    @Test
    void aNewConnectionThatEndedIsNotAStaleConnection() {
        assertThat(RetryPolicy.retryStale(cause(Signal.CLOSED, Phase.AWAIT_HEADERS), false, HttpMethod.GET, true,
                false, false, 0)).isFalse();
    }

    @Test
    void onceABodyByteWasForwardedNothingIsRetriedBecauseTheBodyCannotBeReplayed() {
        assertThat(RetryPolicy.retryStale(cause(Signal.CLOSED, Phase.SEND), true, HttpMethod.PUT, true,
                true, false, 0)).isFalse();
    }

    @Test
    void onceTheResponseStartedNothingIsRetried() {
        assertThat(RetryPolicy.retryStale(cause(Signal.CLOSED, Phase.AWAIT_HEADERS), true, HttpMethod.GET, true,
                false, true, 0)).isFalse();
    }

    @Test
    void aSecondStaleConnectionIsNotRetriedAgain() {
        assertThat(RetryPolicy.retryStale(cause(Signal.CLOSED, Phase.AWAIT_HEADERS), true, HttpMethod.GET, true,
                false, false, 1)).isFalse();
    }

    @ParameterizedTest(name = "{0} in {1}")
    @CsvSource({
            "TIMED_OUT,        AWAIT_HEADERS",
            "TIMED_OUT,        SEND",
            "MALFORMED,        AWAIT_HEADERS",
            "HEADER_TOO_LARGE, AWAIT_HEADERS",
            "TLS_RECORD,       AWAIT_HEADERS",
            "REFUSED,          SEND",
            "CLOSED,           RECEIVE_BODY",
            "RESET,            RECEIVE_BODY",
            "CLOSED,           CONNECT",
            "RESET,            TLS"})
    void anythingButAConnectionEndingBeforeTheResponseIsNotAStaleConnection(Signal signal, Phase phase) {
        assertThat(retry(signal, phase, "GET", false)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"})
    void theRfc9110IdempotentMethodsAreIdempotent(String method) {
        assertThat(RetryPolicy.isIdempotent(HttpMethod.valueOf(method))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PATCH", "CONNECT", "PROPFIND", "get"})
    void everyOtherMethodIsNot(String method) {
        assertThat(RetryPolicy.isIdempotent(HttpMethod.valueOf(method))).isFalse();
    }
}
