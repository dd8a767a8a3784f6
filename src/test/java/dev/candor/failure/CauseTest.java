package dev.candor.failure;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

class CauseTest {

    private static ErrorType type(Signal signal, Phase phase) {
        return new Cause(phase, Actor.UPSTREAM, signal, null).type();
    }

    @Test
    void everySignalInEveryPhaseHasAnErrorType() {
        SoftAssertions softly = new SoftAssertions();
        for (Signal signal : Signal.values()) {
            for (Phase phase : Phase.values()) {
                softly.assertThat(type(signal, phase)).as("%s in %s", signal, phase).isNotNull();
            }
        }
        softly.assertAll();
    }

    @ParameterizedTest
    @EnumSource(Phase.class)
    void signalsThatNameTheirTypeAloneMapTheSameInEveryPhase(Phase phase) {
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(type(Signal.REFUSED, phase)).isEqualTo(ErrorType.CONNECTION_REFUSED);
        softly.assertThat(type(Signal.NO_ANSWER, phase)).isEqualTo(ErrorType.CONNECTION_TIMEOUT);
        softly.assertThat(type(Signal.UNREACHABLE, phase)).isEqualTo(ErrorType.DESTINATION_IP_UNROUTABLE);
        softly.assertThat(type(Signal.TLS_RECORD, phase)).isEqualTo(ErrorType.HTTP_PROTOCOL_ERROR);
        softly.assertThat(type(Signal.HTTP2_PREFACE, phase)).isEqualTo(ErrorType.HTTP_PROTOCOL_ERROR);
        softly.assertThat(type(Signal.MALFORMED, phase)).isEqualTo(ErrorType.HTTP_PROTOCOL_ERROR);
        softly.assertThat(type(Signal.HEADER_TOO_LARGE, phase)).isEqualTo(ErrorType.HTTP_RESPONSE_HEADER_SECTION_SIZE);
        softly.assertThat(type(Signal.POOL_FULL, phase)).isEqualTo(ErrorType.CONNECTION_LIMIT_REACHED);
        softly.assertThat(type(Signal.NO_ROUTE, phase)).isEqualTo(ErrorType.DESTINATION_NOT_FOUND);
        softly.assertThat(type(Signal.NO_ENDPOINT, phase)).isEqualTo(ErrorType.DESTINATION_UNAVAILABLE);
        softly.assertThat(type(Signal.DNS_TIMEOUT, phase)).isEqualTo(ErrorType.DNS_TIMEOUT);
        softly.assertThat(type(Signal.DNS_FAILURE, phase)).isEqualTo(ErrorType.DNS_ERROR);
        softly.assertThat(type(Signal.TLS_HANDSHAKE, phase)).isEqualTo(ErrorType.TLS_PROTOCOL_ERROR);
        softly.assertThat(type(Signal.TLS_CERTIFICATE, phase)).isEqualTo(ErrorType.TLS_CERTIFICATE_ERROR);
        softly.assertThat(type(Signal.CLIENT_FAULT, phase)).isEqualTo(ErrorType.HTTP_REQUEST_ERROR);
        softly.assertThat(type(Signal.DENIED, phase)).isEqualTo(ErrorType.HTTP_REQUEST_DENIED);
        softly.assertThat(type(Signal.DEFECT, phase)).isEqualTo(ErrorType.PROXY_INTERNAL_ERROR);
        softly.assertAll();
    }

    @Test
    void aConnectionClosedOrResetBeforeTheResponseHeaderIsConnectionTerminated() {
        for (Signal ended : new Signal[] {Signal.CLOSED, Signal.RESET}) {
            assertThat(type(ended, Phase.SEND)).as("%s in SEND", ended).isEqualTo(ErrorType.CONNECTION_TERMINATED);
            assertThat(type(ended, Phase.AWAIT_HEADERS)).as("%s in AWAIT_HEADERS", ended)
                    .isEqualTo(ErrorType.CONNECTION_TERMINATED);
        }
    }

    @Test
    void aConnectionClosedOrResetMidBodyIsAnIncompleteResponseNotATermination() {
        assertThat(type(Signal.CLOSED, Phase.RECEIVE_BODY)).isEqualTo(ErrorType.HTTP_RESPONSE_INCOMPLETE);
        assertThat(type(Signal.RESET, Phase.RECEIVE_BODY)).isEqualTo(ErrorType.HTTP_RESPONSE_INCOMPLETE);
    }

    @Test
    void aTimeoutWaitingForTheHeaderIsAResponseTimeoutAndMidBodyAReadTimeout() {
        assertThat(type(Signal.TIMED_OUT, Phase.AWAIT_HEADERS)).isEqualTo(ErrorType.HTTP_RESPONSE_TIMEOUT);
        assertThat(type(Signal.TIMED_OUT, Phase.RECEIVE_BODY)).isEqualTo(ErrorType.CONNECTION_READ_TIMEOUT);
    }

    @Test
    void aTimeoutBeforeTheRequestWasSentIsNamedAfterWhatWasAwaited() {
        assertThat(type(Signal.TIMED_OUT, Phase.CONNECT)).isEqualTo(ErrorType.CONNECTION_TIMEOUT);
        assertThat(type(Signal.TIMED_OUT, Phase.RESOLVE)).isEqualTo(ErrorType.DNS_TIMEOUT);
        assertThat(type(Signal.TIMED_OUT, Phase.QUEUE)).isEqualTo(ErrorType.CONNECTION_LIMIT_REACHED);
        assertThat(type(Signal.TIMED_OUT, Phase.CLIENT_REQUEST)).isEqualTo(ErrorType.HTTP_REQUEST_ERROR);
    }

    @ParameterizedTest
    @EnumSource(Phase.class)
    void beforeDeliveryHoldsExactlyForThePhasesUpToTls(Phase phase) {
        Cause cause = new Cause(phase, Actor.UPSTREAM, Signal.RESET, "ECONNRESET");

        assertThat(cause.beforeDelivery()).isEqualTo(phase.compareTo(Phase.TLS) <= 0);
    }

    @Test
    void theErrorTextIsOptionalButPhaseActorAndSignalAreRequired() {
        assertThat(new Cause(Phase.CONNECT, Actor.UPSTREAM, Signal.REFUSED, null).error()).isNull();
        assertThatNullPointerException().isThrownBy(() -> new Cause(null, Actor.UPSTREAM, Signal.REFUSED, null))
                .withMessage("phase");
        assertThatNullPointerException().isThrownBy(() -> new Cause(Phase.CONNECT, null, Signal.REFUSED, null))
                .withMessage("actor");
        assertThatNullPointerException().isThrownBy(() -> new Cause(Phase.CONNECT, Actor.UPSTREAM, null, null))
                .withMessage("signal");
    }
}
