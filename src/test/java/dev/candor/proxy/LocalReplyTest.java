package dev.candor.proxy;

import dev.candor.config.ErrorsConfig.Expose;
import dev.candor.failure.ErrorType;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class LocalReplyTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    private static final String PUBLIC = "the endpoint refused the connection: nothing listens there";
    private static final String PRIVATE = "connect to 10.0.0.11:8080 refused (nothing listening?)";

    private static final LocalReply.Content REFUSED = new LocalReply.Content(HttpResponseStatus.BAD_GATEWAY,
            ErrorType.CONNECTION_REFUSED, PUBLIC, PRIVATE, "10.0.0.11:8080", "req-1");

    /** The reply's head and body, with its buffer released. */
    private record Reply(int status, String contentType, String contentLength, String proxyStatus,
                         String requestId, String cacheControl, String connection, String body) {

        static Reply of(FullHttpResponse r) {
            try {
                String body = r.content().toString(StandardCharsets.UTF_8);
                return new Reply(r.status().code(), r.headers().get("Content-Type"), r.headers().get("Content-Length"),
                        r.headers().get("Proxy-Status"), r.headers().get("X-Request-Id"),
                        r.headers().get("Cache-Control"), r.headers().get("Connection"), body);
            } finally {
                r.release();
            }
        }

        JsonNode json() {
            return JSON.readTree(body);
        }
    }

    private static Reply build(LocalReply.Content c, Expose expose, String accept) {
        return Reply.of(LocalReply.build(UnpooledByteBufAllocator.DEFAULT, c, expose, accept, false));
    }

    @Test
    void withTypeExposedAJsonClientGetsProblemDetailsNamingTheErrorAndThePublicDetail() {
        Reply reply = build(REFUSED, Expose.TYPE, "application/json");

        assertThat(reply.status()).isEqualTo(502);
        assertThat(reply.contentType()).isEqualTo("application/problem+json");
        assertThat(reply.contentLength()).isEqualTo(String.valueOf(reply.body().getBytes(StandardCharsets.UTF_8).length));
        assertThat(reply.cacheControl()).isEqualTo("no-store");
        assertThat(reply.requestId()).isEqualTo("req-1");
        assertThat(reply.proxyStatus()).isEqualTo("candor; error=connection_refused");
        JsonNode problem = reply.json();
        assertThat(problem.propertyNames())
                .containsExactlyInAnyOrder("type", "title", "status", "detail", "error", "request_id");
        assertThat(problem.path("type").asString()).isEqualTo("urn:candor:error:connection_refused");
        assertThat(problem.path("title").asString()).isEqualTo("Bad Gateway");
        assertThat(problem.path("status").isInt()).isTrue();
        assertThat(problem.path("status").asInt()).isEqualTo(502);
        assertThat(problem.path("detail").asString()).isEqualTo(PUBLIC);
        assertThat(problem.path("error").asString()).isEqualTo("connection_refused");
        assertThat(problem.path("request_id").asString()).isEqualTo("req-1");
        assertThat(reply.body()).doesNotContain("10.0.0.11", PRIVATE);
    }

    @Test
    void withDetailsExposedThePrivateDetailAndNextHopReachTheClient() {
        Reply reply = build(REFUSED, Expose.DETAILS, "application/json");

        assertThat(reply.proxyStatus()).isEqualTo("candor; error=connection_refused; next-hop=\"10.0.0.11:8080\";"
                + " details=\"connect to 10.0.0.11:8080 refused (nothing listening?)\"");
        JsonNode problem = reply.json();
        assertThat(problem.path("detail").asString()).isEqualTo(PRIVATE);
        assertThat(problem.path("error").asString()).isEqualTo("connection_refused");
    }

    @Test
    void withDetailsExposedTheHtmlPageCarriesThePrivateDetailToo() {
        Reply reply = build(REFUSED, Expose.DETAILS, BROWSER);

        assertThat(reply.proxyStatus()).contains("next-hop=\"10.0.0.11:8080\"", "details=\"" + PRIVATE + "\"");
        assertThat(reply.body()).contains(Json.escapeHtml(PRIVATE), "connection_refused");
    }

    @Test
    void withDetailsExposedButNoPrivateDetailThePublicOneIsUsed() {
        LocalReply.Content c = new LocalReply.Content(HttpResponseStatus.BAD_GATEWAY, ErrorType.CONNECTION_REFUSED,
                PUBLIC, null, null, "req-1");

        Reply reply = build(c, Expose.DETAILS, "application/json");

        assertThat(reply.json().path("detail").asString()).isEqualTo(PUBLIC);
        assertThat(reply.proxyStatus()).isEqualTo("candor; error=connection_refused");
    }

    @Test
    void withNothingExposedThereIsNoProxyStatusAndNoErrorMember() {
        Reply reply = build(REFUSED, Expose.NONE, "application/json");

        assertThat(reply.proxyStatus()).isNull();
        JsonNode problem = reply.json();
        assertThat(problem.has("error")).isFalse();
        assertThat(problem.path("status").asInt()).isEqualTo(502);
        assertThat(problem.path("request_id").asString()).isEqualTo("req-1");
        assertThat(reply.body()).doesNotContain("connection_refused", "10.0.0.11", PUBLIC);
    }

    @Test
    void withNothingExposedTheHtmlPageNamesNoErrorType() {
        Reply reply = build(REFUSED, Expose.NONE, BROWSER);

        assertThat(reply.proxyStatus()).isNull();
        assertThat(reply.body()).contains("502 Bad Gateway", "req-1").doesNotContain("connection_refused", "10.0.0.11");
    }

    @Test
    void aBrowserGetsAnHtmlPageWithTheSameFacts() {
        Reply reply = build(REFUSED, Expose.TYPE, BROWSER);

        assertThat(reply.contentType()).isEqualTo("text/html; charset=utf-8");
        assertThat(reply.proxyStatus()).isEqualTo("candor; error=connection_refused");
        assertThat(reply.body()).contains("502 Bad Gateway", PUBLIC, "connection_refused", "req-1")
                .doesNotContain("10.0.0.11");
    }

    @Test
    void theHtmlPageEscapesWhatItQuotes() {
        LocalReply.Content c = new LocalReply.Content(HttpResponseStatus.BAD_REQUEST, ErrorType.HTTP_REQUEST_ERROR,
                "bad header <script>alert(\"x\")</script> & 'more'", null, null, "<id>");

        Reply reply = build(c, Expose.TYPE, "text/html");

        assertThat(reply.body())
                .contains("bad header &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;more&#39;")
                .contains("&lt;id&gt;")
                .doesNotContain("<script>", "<id>");
    }

    @Test
    void theJsonBodyEscapesWhatItQuotes() {
        String detail = "quote \" backslash \\ newline \n tab \t nul \u0000 line-sep \u2028 caf\u00e9";
        LocalReply.Content c = new LocalReply.Content(HttpResponseStatus.BAD_REQUEST, ErrorType.HTTP_REQUEST_ERROR,
                detail, null, null, null);

        Reply reply = build(c, Expose.TYPE, "application/json");

        JsonNode problem = reply.json();
        assertThat(problem.path("detail").asString()).isEqualTo(detail);
        assertThat(problem.path("request_id").isNull()).isTrue();
        assertThat(reply.requestId()).isNull();
        assertThat(reply.contentLength()).isEqualTo(String.valueOf(reply.body().getBytes(StandardCharsets.UTF_8).length));
    }

    @Test
    void closeAddsConnectionClose() {
        Reply closing = Reply.of(LocalReply.build(UnpooledByteBufAllocator.DEFAULT, REFUSED, Expose.TYPE, "*/*", true));
        Reply open = build(REFUSED, Expose.TYPE, "*/*");

        assertThat(closing.connection()).isEqualTo("close");
        assertThat(open.connection()).isNull();
    }

    @ParameterizedTest(name = "Accept: {0} -> json {1}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "*/*                                                              | true",
            "application/json                                                 | true",
            "application/problem+json                                         | true",
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8  | false",
            "text/html                                                        | false",
            "NULL                                                             | false"})
    void prefersJsonFollowsTheAcceptHeader(String accept, boolean json) {
        assertThat(LocalReply.prefersJson(accept)).isEqualTo(json);
    }
}
