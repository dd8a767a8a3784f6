package dev.candor.failure;

import dev.candor.failure.ErrorType.Retry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The RFC 9209 vocabulary of SPEC section 3, row by row. The expected table is written out here on
 * purpose: a constant added to {@link ErrorType} without a row (or a row without a constant) fails.
 */
class ErrorTypeTableTest {

    /** The status SPEC section 3 gives and the retry class its "is it safe to retry?" paragraph implies. */
    private record Row(int status, Retry retry) {
    }

    private static final Map<String, Row> SPEC = Map.ofEntries(
            // before the request could reach the application: always retryable
            entry("dns_timeout", new Row(504, Retry.ALWAYS)),
            entry("dns_error", new Row(502, Retry.ALWAYS)),
            entry("destination_unavailable", new Row(503, Retry.ALWAYS)),
            entry("destination_ip_unroutable", new Row(502, Retry.ALWAYS)),
            entry("connection_refused", new Row(502, Retry.ALWAYS)),
            entry("connection_timeout", new Row(504, Retry.ALWAYS)),
            entry("connection_limit_reached", new Row(503, Retry.ALWAYS)),
            entry("tls_protocol_error", new Row(502, Retry.ALWAYS)),
            entry("tls_certificate_error", new Row(502, Retry.ALWAYS)),
            // the request may have been delivered, no response byte reached the client: idempotent only
            entry("connection_terminated", new Row(502, Retry.IDEMPOTENT)),
            entry("http_response_timeout", new Row(504, Retry.IDEMPOTENT)),
            entry("http_response_header_section_size", new Row(502, Retry.IDEMPOTENT)),
            entry("http_protocol_error", new Row(502, Retry.IDEMPOTENT)),
            // a response was already under way, or retrying cannot help (no route, client fault, defect)
            entry("connection_read_timeout", new Row(504, Retry.NEVER)),
            entry("http_response_incomplete", new Row(502, Retry.NEVER)),
            entry("http_upgrade_failed", new Row(502, Retry.NEVER)),
            entry("destination_not_found", new Row(404, Retry.NEVER)),
            entry("http_request_error", new Row(400, Retry.NEVER)),
            entry("http_request_denied", new Row(403, Retry.NEVER)),
            entry("proxy_internal_error", new Row(500, Retry.NEVER)));

    @Test
    void everyConstantHasExactlyOneRowInTheSpecTableAndViceVersa() {
        assertThat(Arrays.stream(ErrorType.values()).map(ErrorType::token).collect(Collectors.toSet()))
                .containsExactlyInAnyOrderElementsOf(SPEC.keySet());
        assertThat(ErrorType.values()).hasSize(SPEC.size());
    }

    @ParameterizedTest
    @EnumSource(ErrorType.class)
    void theTokenIsTheLowerCaseRfc9209NameOfTheConstant(ErrorType type) {
        assertThat(type.token()).isEqualTo(type.name().toLowerCase(java.util.Locale.ROOT)).matches("[a-z_]+");
        assertThat(SPEC).containsKey(type.token());
    }

    @ParameterizedTest
    @EnumSource(ErrorType.class)
    void theStatusIsTheOneInTheSpecTable(ErrorType type) {
        assertThat(type.status()).isEqualTo(SPEC.get(type.token()).status());
    }

    @ParameterizedTest
    @EnumSource(ErrorType.class)
    void theRetryClassIsTheOneSpecSectionThreeImplies(ErrorType type) {
        assertThat(type.retry()).isEqualTo(SPEC.get(type.token()).retry());
    }

    @ParameterizedTest
    @EnumSource(ErrorType.class)
    void fromTokenRoundTripsTheToken(ErrorType type) {
        assertThat(ErrorType.fromToken(type.token())).isSameAs(type);
    }

    @Test
    void fromTokenGivesNullForAnythingElse() {
        assertThat(ErrorType.fromToken("no_such_error")).isNull();
        assertThat(ErrorType.fromToken("CONNECTION_REFUSED")).isNull();
        assertThat(ErrorType.fromToken("")).isNull();
        assertThat(ErrorType.fromToken(null)).isNull();
    }

    @ParameterizedTest
    @EnumSource(ErrorType.class)
    void everyExplanationIsANonEmptySentence(ErrorType type) {
        assertThat(type.summary()).isNotBlank();
        assertThat(type.likelyCauses()).isNotBlank();
        assertThat(type.nextCheck()).isNotBlank();
    }

    @ParameterizedTest
    @EnumSource(ErrorType.class)
    void theBareProxyStatusIsTheProxyNameAndTheErrorToken(ErrorType type) {
        assertThat(ProxyStatus.forError(type, null, null, null)).isEqualTo("candor; error=" + type.token());
    }
}
