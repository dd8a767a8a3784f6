package dev.candor.proxy;

import dev.candor.config.RetryConfig;
import dev.candor.failure.Actor;
import dev.candor.failure.Cause;
import dev.candor.failure.Phase;
import dev.candor.failure.Signal;
import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/** A failed TLS handshake happens before any request byte is sent: a connect failure, retried for any method. */
class TlsRetryPolicyTest {

    @ParameterizedTest
    @EnumSource(value = Signal.class, names = {"TLS_HANDSHAKE", "TLS_CERTIFICATE", "TIMED_OUT"})
    void aFailedHandshakeCountsAsAConnectFailureAndIsRetriedEvenForAPost(Signal signal) {
        Cause cause = new Cause(Phase.TLS, Actor.UPSTREAM, signal, null);

        assertThat(RetryPolicy.conditionOf(cause)).isEqualTo(RetryConfig.On.CONNECT_FAILURE);
        assertThat(RetryPolicy.retryElsewhere(cause, RetryConfig.DEFAULTS, HttpMethod.POST, false, false, 0)).isTrue();
    }
}
