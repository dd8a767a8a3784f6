package dev.candor.failure;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Proxy-Status writer on any detail text (details quote upstream addresses, DNS names and error
 * messages, which an attacker can influence): the value is always a valid header value and an RFC 8941
 * list member that reads back, parameter by parameter, as what was written (with characters outside
 * printable ASCII shown as {@code ?}).
 */
class ProxyStatusFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void theFieldValueParsesBackToWhatWasWritten(FuzzedDataProvider data) {
        ErrorType type = ErrorType.values()[data.consumeInt(0, ErrorType.values().length - 1)];
        String nextHop = data.consumeBoolean() ? data.consumeString(40) : null;
        String rcode = data.consumeBoolean() ? data.consumeString(12) : null;
        String details = data.consumeBoolean() ? data.consumeRemainingAsString() : null;

        String value = ProxyStatus.forError(type, details, nextHop, rcode);

        assertThat(value.chars()).allMatch(c -> c >= 0x20 && c < 0x7f);
        Map<String, String> params = parse(value);
        assertThat(params.get("error")).isEqualTo(type.token());
        assertThat(params.get("next-hop")).isEqualTo(printable(nextHop));
        assertThat(params.get("rcode")).isEqualTo(printable(rcode));
        assertThat(params.get("details")).isEqualTo(printable(details));
    }

    private static String printable(String s) {
        return s == null ? null : s.chars().map(c -> c >= 0x20 && c < 0x7f ? c : '?')
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }

    /** A strict reader of {@code candor; key=token; key="sf-string"...} (RFC 8941 §4.2). */
    private static Map<String, String> parse(String value) {
        assertThat(value).startsWith(ProxyStatus.PROXY_NAME);
        Map<String, String> params = new LinkedHashMap<>();
        int i = ProxyStatus.PROXY_NAME.length();
        while (i < value.length()) {
            assertThat(value.substring(i)).startsWith("; ");
            i += 2;
            int eq = value.indexOf('=', i);
            String key = value.substring(i, eq);
            assertThat(key).matches("[a-z][a-z0-9_\\-.*]*");
            i = eq + 1;
            StringBuilder v = new StringBuilder();
            if (value.charAt(i) == '"') {
                i++;
                while (value.charAt(i) != '"') {
                    char c = value.charAt(i);
                    if (c == '\\') {
                        char escaped = value.charAt(i + 1);
                        assertThat(escaped).isIn('"', '\\');
                        v.append(escaped);
                        i += 2;
                    } else {
                        v.append(c);
                        i++;
                    }
                }
                i++;
            } else {
                while (i < value.length() && value.charAt(i) != ';') {
                    v.append(value.charAt(i++));
                }
            }
            assertThat(params.put(key, v.toString())).as("parameter %s once", key).isNull();
        }
        return params;
    }
}
