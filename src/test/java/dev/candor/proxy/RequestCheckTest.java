package dev.candor.proxy;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class RequestCheckTest {

    private static HttpRequest request(HttpMethod method, String uri, String... headers) {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, uri);
        for (int i = 0; i < headers.length; i += 2) {
            r.headers().add(headers[i], headers[i + 1]);
        }
        return r;
    }

    private static RequestCheck.Rejection rejection(HttpRequest r) {
        Object result = RequestCheck.check(r, 8192, 1024);
        assertThat(result).isInstanceOf(RequestCheck.Rejection.class);
        return (RequestCheck.Rejection) result;
    }

    @Test
    void anOrdinaryRequestResolvesToItsHostWithoutPortInLowerCase() {
        Object result = RequestCheck.check(request(HttpMethod.GET, "/a?b=1", "Host", "API.Example.com:8080"), 8192, 0);
        assertThat(result).isEqualTo(new RequestCheck.Target("API.Example.com:8080", "api.example.com", "/a?b=1"));
    }

    @Test
    void absoluteFormReplacesTheHostAndBecomesOriginForm() {
        HttpRequest r = request(HttpMethod.GET, "http://example.test:81?q=1", "Host", "other");
        Object result = RequestCheck.check(r, 8192, 0);
        assertThat(result).isEqualTo(new RequestCheck.Target("example.test:81", "example.test", "/?q=1"));
        assertThat(r.uri()).isEqualTo("/?q=1");
        assertThat(r.headers().get("Host")).isEqualTo("example.test:81");
    }

    @Test
    void bothContentLengthAndTransferEncodingAreRefusedAndClose() {
        RequestCheck.Rejection r = rejection(request(HttpMethod.POST, "/", "Host", "h",
                "Content-Length", "3", "Transfer-Encoding", "chunked"));
        assertThat(r.status()).isEqualTo(HttpResponseStatus.BAD_REQUEST);
        assertThat(r.close()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"xchunked", "chunked, identity", "identity", "chunked,"})
    void transferEncodingOtherThanChunkedIsRefused(String te) {
        assertThat(rejection(request(HttpMethod.POST, "/", "Host", "h", "Transfer-Encoding", te)).status())
                .isEqualTo(HttpResponseStatus.BAD_REQUEST);
    }

    @Test
    void aKnownCodingBeforeChunkedIsNotImplemented() {
        assertThat(rejection(request(HttpMethod.POST, "/", "Host", "h", "Transfer-Encoding", "gzip, chunked")).status())
                .isEqualTo(HttpResponseStatus.NOT_IMPLEMENTED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"+3", "-1", "0x10", "1 2", "", "99999999999999999999"})
    void malformedContentLengthIsRefused(String cl) {
        assertThat(rejection(request(HttpMethod.POST, "/", "Host", "h", "Content-Length", cl)).status())
                .isEqualTo(HttpResponseStatus.BAD_REQUEST);
    }

    @Test
    void aDeclaredBodyOverTheLimitIs413() {
        assertThat(rejection(request(HttpMethod.POST, "/", "Host", "h", "Content-Length", "1025")).status())
                .isEqualTo(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a b", "x/y", "u@h", "[::1", "h:99999", "h:8o", ""})
    void invalidHostIsRefused(String host) {
        assertThat(rejection(request(HttpMethod.GET, "/", "Host", host)).status()).isEqualTo(HttpResponseStatus.BAD_REQUEST);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[::1]:8080", "127.0.0.1", "example.com:", "xn--bcher-kva.example"})
    void validHostsAreAccepted(String host) {
        assertThat(RequestCheck.isValidHost(host)).isTrue();
    }

    @Test
    void http11WithoutHostOrWithTwoHostsIsRefused() {
        assertThat(rejection(request(HttpMethod.GET, "/")).reason()).contains("missing Host");
        assertThat(rejection(request(HttpMethod.GET, "/", "Host", "a", "Host", "b")).reason()).contains("more than one Host");
    }

    @Test
    void aFragmentOrControlCharacterInTheTargetIsRefused() {
        assertThat(rejection(request(HttpMethod.GET, "/a#frag", "Host", "h")).status()).isEqualTo(HttpResponseStatus.BAD_REQUEST);
        assertThat(rejection(request(HttpMethod.GET, "/a\u0001", "Host", "h")).status()).isEqualTo(HttpResponseStatus.BAD_REQUEST);
    }

    @Test
    void aTargetLongerThanTheLimitIs414() {
        Object result = RequestCheck.check(request(HttpMethod.GET, "/" + "a".repeat(100), "Host", "h"), 50, 0);
        assertThat(((RequestCheck.Rejection) result).status()).isEqualTo(HttpResponseStatus.REQUEST_URI_TOO_LONG);
    }

    @Test
    void connectIsNotAllowedAndAsteriskOnlyForOptions() {
        assertThat(rejection(request(HttpMethod.CONNECT, "example.com:443", "Host", "example.com:443")).status())
                .isEqualTo(HttpResponseStatus.METHOD_NOT_ALLOWED);
        assertThat(rejection(request(HttpMethod.GET, "*", "Host", "h")).status()).isEqualTo(HttpResponseStatus.BAD_REQUEST);
        assertThat(RequestCheck.check(request(HttpMethod.OPTIONS, "*", "Host", "h"), 8192, 0))
                .isInstanceOf(RequestCheck.Target.class);
    }

    @Test
    void transferEncodingInHttp10IsRefused() {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.POST, "/");
        r.headers().add("Transfer-Encoding", "chunked");
        assertThat(rejection(r).close()).isTrue();
    }
}
