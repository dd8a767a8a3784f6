package dev.candor.failure;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Confirm commands for upstreams reached over TLS: the same SNI name, trust and scheme as Candor uses. */
class ConfirmCommandTlsTest {

    @Test
    void aHandshakeFailureIsReproducedWithTheSameNameAndTrust() {
        assertThat(ConfirmCommand.forFailure(ErrorType.TLS_CERTIFICATE_ERROR, "GET", "shop.test", "/", "10.0.0.5:8443",
                new ConfirmCommand.Tls("api.internal", "/etc/candor/ca.pem", true)))
                .isEqualTo("openssl s_client -connect '10.0.0.5:8443' -servername 'api.internal'"
                        + " -CAfile '/etc/candor/ca.pem' -verify_return_error -verify_hostname 'api.internal' </dev/null");
    }

    @Test
    void anIpEndpointWithoutSniIsCheckedAgainstItsAddress() {
        assertThat(ConfirmCommand.forFailure(ErrorType.TLS_CERTIFICATE_ERROR, "GET", null, "/", "10.0.0.5:8443",
                new ConfirmCommand.Tls("10.0.0.5", null, true)))
                .isEqualTo("openssl s_client -connect '10.0.0.5:8443' -verify_return_error -verify_ip '10.0.0.5' </dev/null");
    }

    @Test
    void aFailureOnAnEstablishedTlsConnectionIsConfirmedWithHttps() {
        assertThat(ConfirmCommand.forFailure(ErrorType.HTTP_RESPONSE_TIMEOUT, "POST", "shop.test", "/cart?x=1",
                "10.0.0.5:8443", new ConfirmCommand.Tls("api.internal", "/etc/candor/ca.pem", true)))
                .isEqualTo("curl -sv -g -o /dev/null -X 'POST' --cacert '/etc/candor/ca.pem'"
                        + " --connect-to 'api.internal:443:10.0.0.5:8443' -H 'Host: shop.test' 'https://api.internal/cart?x=1'");
        assertThat(ConfirmCommand.forFailure(ErrorType.CONNECTION_TERMINATED, "GET", null, "/", "10.0.0.5:8443",
                new ConfirmCommand.Tls("10.0.0.5", null, false)))
                .isEqualTo("curl -sv -g -o /dev/null -k --connect-to '10.0.0.5:443:10.0.0.5:8443' 'https://10.0.0.5/'");
    }

    @Test
    void withoutTlsNothingChanges() {
        assertThat(ConfirmCommand.forFailure(ErrorType.CONNECTION_TERMINATED, "GET", "a.test", "/", "10.0.0.5:80", null))
                .isEqualTo(ConfirmCommand.forFailure(ErrorType.CONNECTION_TERMINATED, "GET", "a.test", "/", "10.0.0.5:80"));
    }
}
