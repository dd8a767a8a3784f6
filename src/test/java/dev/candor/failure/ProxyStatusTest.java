package dev.candor.failure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.entry;

class ProxyStatusTest {

    @Test
    void theBareFieldIsTheProxyTokenWithTheErrorAsATokenParameter() {
        Member m = Member.parse(ProxyStatus.forError(ErrorType.CONNECTION_REFUSED, null, null, null));

        assertThat(m.token()).isEqualTo("candor");
        assertThat(m.params()).containsExactly(entry("error", new Token("connection_refused")));
    }

    @Test
    void detailsNextHopAndRcodeAreSfStrings() {
        String field = ProxyStatus.forError(ErrorType.DNS_ERROR, "api.internal did not resolve",
                "api.internal:8080", "NXDOMAIN");

        assertThat(field).isEqualTo("candor; error=dns_error; next-hop=\"api.internal:8080\"; rcode=\"NXDOMAIN\";"
                + " details=\"api.internal did not resolve\"");
        assertThat(Member.parse(field).params()).containsOnly(
                entry("error", new Token("dns_error")),
                entry("next-hop", "api.internal:8080"),
                entry("rcode", "NXDOMAIN"),
                entry("details", "api.internal did not resolve"));
    }

    @Test
    void quotesAndBackslashesInAStringAreEscaped() {
        String details = "upstream said \"no\" in C:\\logs\\";
        String field = ProxyStatus.forError(ErrorType.HTTP_PROTOCOL_ERROR, details, "a\"b\\c:80", null);

        assertThat(field).contains("details=\"upstream said \\\"no\\\" in C:\\\\logs\\\\\"")
                .contains("next-hop=\"a\\\"b\\\\c:80\"");
        Member m = Member.parse(field);
        assertThat(m.params()).containsEntry("details", details).containsEntry("next-hop", "a\"b\\c:80");
    }

    @Test
    void controlAndNonAsciiCharactersBecomeQuestionMarksSoTheHeaderCannotBeSplit() {
        String field = ProxyStatus.forError(ErrorType.CONNECTION_TERMINATED,
                "caf\u00e9\r\nX-Injected: 1\t\u0000\u007f\u2028", null, "N\u00c4");

        assertThat(field).doesNotContain("\r", "\n", "\t", "\u0000", "\u007f").matches("[\\x20-\\x7e]*");
        assertThat(Member.parse(field).params())
                .containsEntry("details", "caf???X-Injected: 1????")
                .containsEntry("rcode", "N?");
    }

    @Test
    void anEmptyStringIsAnEmptySfString() {
        assertThat(ProxyStatus.forError(ErrorType.PROXY_INTERNAL_ERROR, "", null, null))
                .isEqualTo("candor; error=proxy_internal_error; details=\"\"");
    }

    @Test
    void aReceivedStatusIsAnIntegerParameter() {
        String field = ProxyStatus.forReceivedStatus(503);

        assertThat(field).isEqualTo("candor; received-status=503");
        assertThat(Member.parse(field).params()).containsExactly(entry("received-status", 503L));
    }

    @ParameterizedTest
    @EnumSource(ErrorType.class)
    void everyErrorTypeWithEveryParameterIsAValidListMember(ErrorType type) {
        Member m = Member.parse(ProxyStatus.forError(type, "d \"x\" \\ y", "10.0.0.1:80", "SERVFAIL"));

        assertThat(m.token()).isEqualTo(ProxyStatus.PROXY_NAME);
        assertThat(m.params()).containsEntry("error", new Token(type.token())).hasSize(4);
    }

    @Test
    void theTestParserRejectsWhatRfc8941Rejects() {
        assertThatIllegalArgumentException().isThrownBy(() -> Member.parse("candor; details=\"a\"b\""));
        assertThatIllegalArgumentException().isThrownBy(() -> Member.parse("candor; details=\"a\\nb\""));
        assertThatIllegalArgumentException().isThrownBy(() -> Member.parse("candor; details=\"caf\u00e9\""));
        assertThatIllegalArgumentException().isThrownBy(() -> Member.parse("candor; Error=x"));
        assertThatIllegalArgumentException().isThrownBy(() -> Member.parse("candor;error=x "));
        assertThatIllegalArgumentException().isThrownBy(() -> Member.parse("candor; details=\"unterminated"));
    }

    /** A token bare item, kept apart from a string so {@code error=x} and {@code error="x"} differ. */
    record Token(String value) {
    }

    /**
     * An RFC 8941 list member reduced to what Proxy-Status uses: a token item followed by parameters
     * whose values are tokens, integers or sf-strings (§3.1.2, §3.3.1, §3.3.3, §3.3.4).
     */
    record Member(String token, Map<String, Object> params) {

        static Member parse(String s) {
            Cursor c = new Cursor(s);
            String token = c.token();
            Map<String, Object> params = new LinkedHashMap<>();
            while (c.peek() == ';') {
                c.pos++;
                while (c.peek() == ' ') {
                    c.pos++;
                }
                String key = c.key();
                Object value = Boolean.TRUE;
                if (c.peek() == '=') {
                    c.pos++;
                    value = c.bareItem();
                }
                if (params.put(key, value) != null) {
                    throw new IllegalArgumentException("duplicate parameter " + key + " in " + s);
                }
            }
            if (c.pos != s.length()) {
                throw new IllegalArgumentException("trailing characters at " + c.pos + " in " + s);
            }
            return new Member(token, params);
        }
    }

    private static final class Cursor {
        private final String s;
        private int pos;

        Cursor(String s) {
            this.s = s;
        }

        int peek() {
            return pos < s.length() ? s.charAt(pos) : -1;
        }

        Object bareItem() {
            int c = peek();
            if (c == '"') {
                return string();
            }
            if (c == '-' || (c >= '0' && c <= '9')) {
                return integer();
            }
            return new Token(token());
        }

        String token() {
            int start = pos;
            int c = peek();
            if (!(isAlpha(c) || c == '*')) {
                throw fail("token");
            }
            pos++;
            while (isTchar(peek()) || peek() == ':' || peek() == '/') {
                pos++;
            }
            return s.substring(start, pos);
        }

        String key() {
            int start = pos;
            int c = peek();
            if (!((c >= 'a' && c <= 'z') || c == '*')) {
                throw fail("key");
            }
            pos++;
            while (true) {
                c = peek();
                if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' || c == '*') {
                    pos++;
                } else {
                    return s.substring(start, pos);
                }
            }
        }

        Long integer() {
            int start = pos;
            if (peek() == '-') {
                pos++;
            }
            int digits = 0;
            while (peek() >= '0' && peek() <= '9') {
                pos++;
                digits++;
            }
            if (digits == 0 || digits > 15 || peek() == '.') {
                throw fail("integer");
            }
            return Long.parseLong(s.substring(start, pos));
        }

        String string() {
            pos++;
            StringBuilder b = new StringBuilder();
            while (true) {
                int c = peek();
                if (c < 0) {
                    throw fail("closing quote");
                }
                pos++;
                if (c == '\\') {
                    int next = peek();
                    if (next != '"' && next != '\\') {
                        throw fail("escaped quote or backslash");
                    }
                    b.append((char) next);
                    pos++;
                } else if (c == '"') {
                    return b.toString();
                } else if (c < 0x20 || c > 0x7e) {
                    throw fail("printable ASCII");
                } else {
                    b.append((char) c);
                }
            }
        }

        private static boolean isAlpha(int c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        }

        /** RFC 9110 §5.6.2 tchar. */
        private static boolean isTchar(int c) {
            return isAlpha(c) || (c >= '0' && c <= '9') || (c >= 0 && "!#$%&'*+-.^_`|~".indexOf(c) >= 0);
        }

        private IllegalArgumentException fail(String expected) {
            return new IllegalArgumentException("expected " + expected + " at " + pos + " in " + s);
        }
    }
}
