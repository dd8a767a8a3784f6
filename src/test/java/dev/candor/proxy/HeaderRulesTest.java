package dev.candor.proxy;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HeaderRulesTest {

    @Test
    void fieldsNamedInConnectionAndTheFixedHopByHopSetAreRemoved() {
        HttpHeaders h = new DefaultHttpHeaders()
                .add("Connection", "keep-alive, X-Secret")
                .add("Connection", "x-other")
                .add("X-Secret", "1").add("X-Other", "2").add("Keep-Alive", "timeout=5")
                .add("TE", "trailers").add("Upgrade", "h2c").add("Proxy-Connection", "keep-alive")
                .add("Trailer", "X-T").add("X-Kept", "3");
        HeaderRules.stripHopByHop(h);
        assertThat(h.names()).containsExactly("X-Kept");
    }

    @Test
    void aClientCannotRemoveHostOrFramingByListingThemInConnection() {
        HttpHeaders h = new DefaultHttpHeaders()
                .add("Connection", "host, content-length, x-request-id")
                .add("Host", "h").add("Content-Length", "3").add("X-Request-Id", "r");
        HeaderRules.stripHopByHop(h);
        assertThat(h.get("Host")).isEqualTo("h");
        assertThat(h.get("Content-Length")).isEqualTo("3");
        assertThat(h.get("X-Request-Id")).isEqualTo("r");
    }

    @Test
    void forwardingAppendsXffAndViaAndSetsProtoHostAndId() {
        HttpHeaders h = new DefaultHttpHeaders()
                .add("X-Forwarded-For", "10.0.0.1").add("X-Forwarded-For", "10.0.0.2")
                .add("Via", "1.0 edge").add("Expect", "100-continue").add("X-Forwarded-Proto", "https");
        HeaderRules.forwardRequest(h, "127.0.0.1", "http", "site.test", "rid", true);
        assertThat(h.get("X-Forwarded-For")).isEqualTo("10.0.0.1, 10.0.0.2, 127.0.0.1");
        assertThat(h.get("Via")).isEqualTo("1.0 edge, 1.1 candor");
        assertThat(h.get("X-Forwarded-Proto")).isEqualTo("http");
        assertThat(h.get("X-Forwarded-Host")).isEqualTo("site.test");
        assertThat(h.get("X-Request-Id")).isEqualTo("rid");
        assertThat(h.get("Transfer-Encoding")).isEqualTo("chunked");
        assertThat(h.contains("Expect")).isFalse();
    }

    @Test
    void responsesLoseServerAndPoweredBy() {
        HttpHeaders h = new DefaultHttpHeaders().add("Server", "nginx/1.2").add("X-Powered-By", "PHP").add("Set-Cookie", "a=1");
        HeaderRules.forwardResponse(h, "rid");
        assertThat(h.contains("Server")).isFalse();
        assertThat(h.contains("X-Powered-By")).isFalse();
        assertThat(h.get("Set-Cookie")).isEqualTo("a=1");
        assertThat(h.get("X-Request-Id")).isEqualTo("rid");
    }
}
