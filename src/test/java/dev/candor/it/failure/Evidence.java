package dev.candor.it.failure;

import dev.candor.failure.ErrorType;
import dev.candor.failure.FailureReport;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a client and an operator see of one failure, checked the same way by every test of the package:
 * the exact {@code Proxy-Status} value, the RFC 9457 problem-details body, and the failure report.
 */
final class Evidence {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Evidence() {
    }

    /**
     * A reply under {@code errors.expose: type}: {@code Proxy-Status} names the type and nothing else, and
     * the body explains the type in general words, never with the backend's address.
     */
    static void assertTypeOnlyReply(RawResponse response, ErrorType type, int backendPort) {
        assertThat(response.status()).as("status (Proxy-Status: %s)", response.header("Proxy-Status"))
                .isEqualTo(type.status());
        assertThat(response.header("Proxy-Status")).isEqualTo("candor; error=" + type.token());
        JsonNode problem = assertProblem(response, type);
        assertThat(problem.path("detail").asString()).isEqualTo(type.summary());
        String requestId = response.header("X-Request-Id");
        assertThat(response.bodyText().replace(requestId, "<id>"))
                .as("a type-only body never names the backend").doesNotContain(String.valueOf(backendPort));
    }

    /**
     * A reply under {@code errors.expose: details}: {@code Proxy-Status} carries the next hop and the
     * detail as sf-strings, in that order, and the body's detail is the same line the access log has.
     */
    static void assertDetailedReply(RawResponse response, ErrorType type, String nextHop, String detail) {
        assertThat(response.status()).as("status (Proxy-Status: %s)", response.header("Proxy-Status"))
                .isEqualTo(type.status());
        assertThat(response.header("Proxy-Status")).isEqualTo("candor; error=" + type.token()
                + "; next-hop=" + sfString(nextHop) + "; details=" + sfString(detail));
        JsonNode problem = assertProblem(response, type);
        assertThat(problem.path("detail").asString()).isEqualTo(detail);
    }

    /** The members every problem-details body has (RFC 9457 plus Candor's {@code error} and {@code request_id}). */
    static JsonNode assertProblem(RawResponse response, ErrorType type) {
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        JsonNode problem = JSON.readTree(response.bodyText());
        assertThat(problem.path("type").asString()).contains(type.token());
        assertThat(problem.path("title").asString()).isEqualTo(reasonPhrase(type.status()));
        assertThat(problem.path("status").asInt()).isEqualTo(type.status());
        assertThat(problem.path("error").asString()).isEqualTo(type.token());
        assertThat(problem.path("request_id").asString()).isEqualTo(response.header("X-Request-Id"));
        return problem;
    }

    /** The failure report of that request, once the exchange has written it down. */
    static FailureReport awaitReport(ProxyUnderTest proxy, String requestId) {
        return await().atMost(Duration.ofSeconds(5))
                .until(() -> proxy.server().failures().find(requestId), Objects::nonNull);
    }

    /** The confirm command for a failure on an established connection: the same request, straight to the endpoint. */
    static String curlThrough(String method, String path, int port) {
        return "curl -sv -g -o /dev/null" + ("GET".equals(method) ? "" : " -X '" + method + "'")
                + " --connect-to 'test:80:127.0.0.1:" + port + "' 'http://test" + path + "'";
    }

    /** The confirm command for a connect failure: a bare connect to the endpoint. */
    static String curlConnect(int port) {
        return "curl -sv -g -o /dev/null --connect-timeout 5 'http://127.0.0.1:" + port + "/'";
    }

    /** An RFC 8941 sf-string. */
    static String sfString(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static String reasonPhrase(int status) {
        return switch (status) {
            case 404 -> "Not Found";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> throw new IllegalArgumentException("no reason phrase for " + status);
        };
    }
}
