package dev.candor.proxy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Header rules on any set of valid fields a client can send: whatever the client names in
 * {@code Connection} or sends itself, no hop-by-hop field and no underscore name goes upstream, the
 * forwarding facts are Candor's (the client's address last in X-Forwarded-For), and Host and framing
 * are never removed because a client listed them.
 */
class HeaderRulesFuzzTest {

    private static final String TCHAR = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~";

    @FuzzTest(maxDuration = "60s")
    void forwardedRequestHeadersFollowTheRules(FuzzedDataProvider data) {
        HttpHeaders headers = DefaultHttpHeadersFactory.headersFactory().newHeaders();
        int fields = data.consumeInt(0, 20);
        for (int i = 0; i < fields; i++) {
            String name = data.consumeBoolean() ? known(data) : token(data);
            headers.add(name, value(data));
        }
        boolean hadHost = headers.contains(HttpHeaderNames.HOST);
        String hostBefore = headers.get(HttpHeaderNames.HOST);

        HeaderRules.forwardRequest(headers, "192.0.2.7", "https", hadHost ? hostBefore : null, "req-1", false);

        for (String gone : new String[]{"connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade",
                "proxy-authorization", "expect"}) {
            assertThat(headers.contains(gone)).as(gone).isFalse();
        }
        assertThat(headers.names()).noneMatch(n -> n.indexOf('_') >= 0);
        String xff = String.join(",", headers.getAll(HeaderRules.X_FORWARDED_FOR));
        assertThat(xff).endsWith("192.0.2.7");
        assertThat(headers.getAll(HeaderRules.X_REQUEST_ID)).containsExactly("req-1");
        assertThat(headers.getAll(HeaderRules.X_FORWARDED_PROTO)).containsExactly("https");
        assertThat(headers.get(HttpHeaderNames.HOST)).isEqualTo(hostBefore);
    }

    private static String known(FuzzedDataProvider data) {
        String[] names = {"Connection", "Keep-Alive", "TE", "Upgrade", "Host", "Content-Length", "X-Forwarded-For",
                "X-Forwarded_For", "Via", "X-Request-Id", "Proxy-Connection", "Trailer", "Expect", "X-Custom"};
        String n = names[data.consumeInt(0, names.length - 1)];
        return data.consumeBoolean() ? n.toLowerCase(Locale.ROOT) : n;
    }

    private static String token(FuzzedDataProvider data) {
        int length = data.consumeInt(1, 12);
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(TCHAR.charAt(data.consumeInt(0, TCHAR.length() - 1)));
        }
        return b.toString();
    }

    /** Visible ASCII and spaces inside (what a valid field value holds), sometimes a list of known names. */
    private static String value(FuzzedDataProvider data) {
        if (data.consumeBoolean()) {
            return known(data) + (data.consumeBoolean() ? ", " + known(data) : "");
        }
        String raw = data.consumeString(24);
        StringBuilder b = new StringBuilder(raw.length());
        for (char c : raw.toCharArray()) {
            b.append(c > 0x20 && c < 0x7f ? c : 'x');
        }
        return b.toString();
    }
}
