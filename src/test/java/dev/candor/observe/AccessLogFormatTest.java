package dev.candor.observe;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AccessLogFormatTest {

    static final AccessLogEntry SPEC_EXAMPLE = new AccessLogEntry(
            Instant.parse("2026-11-21T10:15:30.123Z"), "…", "203.0.113.9", "GET", "api.example.com",
            "/v1/items?id=3", "HTTP/1.1", 502, 312, 12.4, "api", "api", "10.0.0.11:8080", 2, null,
            "connection_refused", "connect to 10.0.0.11:8080 refused (nothing listening?)", 0.3, null, null);

    @Test
    void aTunnelsLineEndsWithTheBytesItReceivedAndHowItClosedAndReadsBack() {
        AccessLogEntry tunnel = new AccessLogEntry(Instant.parse("2026-12-07T09:00:00Z"), "ws1", "127.0.0.1", "GET",
                "chat.test", "/ws", "websocket", 101, 2048, 61_000.5, "chat", "chat", "10.0.0.5:3000", 1, 101,
                null, null, 0.2, 1.1, null, null, 512L, new AccessLogEntry.TunnelClose("client", 1000, "bye \"now\""));

        String line = AccessLogFormat.toJson(tunnel);

        assertThat(line).endsWith(",\"cache\":null,\"bytes_received\":512,"
                + "\"close\":{\"by\":\"client\",\"code\":1000,\"reason\":\"bye \\\"now\\\"\"}}");
        assertThat(AccessLogFormat.parse(line)).isEqualTo(tunnel);
        AccessLogEntry noFrame = new AccessLogEntry(tunnel.time(), "ws2", "127.0.0.1", "GET", "chat.test", "/ws",
                "websocket", 101, 0, 5.0, null, null, null, 1, 101, null, null, null, null, null, null, 0L,
                new AccessLogEntry.TunnelClose("upstream", null, null));
        assertThat(AccessLogFormat.toJson(noFrame)).contains("\"close\":{\"by\":\"upstream\",\"code\":null,\"reason\":null}");
        assertThat(AccessLogFormat.parse(AccessLogFormat.toJson(noFrame))).isEqualTo(noFrame);
    }

    @Test
    void writesTheSpecExampleExactly() {
        assertThat(AccessLogFormat.toJson(SPEC_EXAMPLE)).isEqualTo(
                "{\"time\":\"2026-11-21T10:15:30.123Z\",\"request_id\":\"…\",\"client_ip\":\"203.0.113.9\","
                        + "\"method\":\"GET\",\"host\":\"api.example.com\",\"uri\":\"/v1/items?id=3\","
                        + "\"protocol\":\"HTTP/1.1\",\"status\":502,\"bytes_sent\":312,\"duration_ms\":12.4,"
                        + "\"route\":\"api\",\"upstream\":\"api\",\"endpoint\":\"10.0.0.11:8080\",\"attempts\":2,"
                        + "\"upstream_status\":null,\"error\":\"connection_refused\","
                        + "\"error_detail\":\"connect to 10.0.0.11:8080 refused (nothing listening?)\","
                        + "\"connect_ms\":0.3,\"tls_ms\":null,\"ttfb_ms\":null,\"cache\":null}");
    }

    @Test
    void writesEveryFieldInSpecOrderEvenWhenNull() {
        AccessLogEntry bare = new AccessLogEntry(Instant.EPOCH, null, null, null, null, null, null,
                499, 0, 0, null, null, null, 0, null, null, null, null, null, null);

        JsonNode node = JsonMapper.builder().build().readTree(AccessLogFormat.toJson(bare));

        assertThat(node.propertyNames()).containsExactly("time", "request_id", "client_ip", "method", "host",
                "uri", "protocol", "status", "bytes_sent", "duration_ms", "route", "upstream", "endpoint",
                "attempts", "upstream_status", "error", "error_detail", "connect_ms", "tls_ms", "ttfb_ms", "cache");
        assertThat(AccessLogFormat.toJson(bare)).isEqualTo("{\"time\":\"1970-01-01T00:00:00.000Z\","
                + "\"request_id\":null,\"client_ip\":null,\"method\":null,\"host\":null,\"uri\":null,\"protocol\":null,"
                + "\"status\":499,\"bytes_sent\":0,\"duration_ms\":0,\"route\":null,\"upstream\":null,\"endpoint\":null,"
                + "\"attempts\":0,\"upstream_status\":null,\"error\":null,\"error_detail\":null,"
                + "\"connect_ms\":null,\"tls_ms\":null,\"ttfb_ms\":null,\"cache\":null}");
    }

    @Test
    void writesEveryValueType() {
        AccessLogEntry full = new AccessLogEntry(Instant.parse("2026-02-28T23:59:59.999Z"), "r-1", "::1", "POST",
                "h", "/", "HTTP/2.0", 200, Long.MAX_VALUE, 1234567.891, "route", "up", "e:1", 3, 503,
                "http_response_incomplete", "detail", 0.001, 40.5, "HIT", 2.25);

        assertThat(AccessLogFormat.toJson(full))
                .contains("\"time\":\"2026-02-28T23:59:59.999Z\"")
                .contains("\"status\":200,\"bytes_sent\":9223372036854775807,\"duration_ms\":1234567.891")
                .contains("\"attempts\":3,\"upstream_status\":503")
                .contains("\"connect_ms\":0.001,\"tls_ms\":2.25,\"ttfb_ms\":40.5,\"cache\":\"HIT\"}");
    }

    @Test
    void writesTimeInUtcWithExactlyThreeDigitsOfMilliseconds() {
        assertThat(time(Instant.parse("2026-11-21T10:15:30Z"))).isEqualTo("\"2026-11-21T10:15:30.000Z\"");
        assertThat(time(Instant.parse("2026-11-21T10:15:30.120Z"))).isEqualTo("\"2026-11-21T10:15:30.120Z\"");
        assertThat(time(Instant.parse("2024-02-29T00:00:00.999999999Z"))).isEqualTo("\"2024-02-29T00:00:00.999Z\"");
        assertThat(time(Instant.parse("1969-12-31T23:59:59.001Z"))).isEqualTo("\"1969-12-31T23:59:59.001Z\"");
        assertThat(time(Instant.parse("0000-01-01T00:00:00Z"))).isEqualTo("\"0000-01-01T00:00:00.000Z\"");
        assertThat(time(Instant.parse("9999-12-31T23:59:59.5Z"))).isEqualTo("\"9999-12-31T23:59:59.500Z\"");
    }

    @Test
    void writesTheSameTimeAsTheJdkForAnyInstant() {
        DateTimeFormatter jdk = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(java.time.ZoneOffset.UTC);
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 20_000; i++) {
            Instant t = Instant.ofEpochSecond(random.nextLong(-62_167_219_200L, 253_402_300_800L), random.nextInt(1_000_000_000));
            assertThat(time(t)).isEqualTo("\"" + jdk.format(t) + "\"");
        }
    }

    @Test
    void writesYearsBeyondFourDigitsInIsoForm() {
        Instant far = Instant.parse("+12026-01-01T00:00:00.250Z");

        assertThat(time(far)).isEqualTo("\"+12026-01-01T00:00:00.250Z\"");
        assertThat(AccessLogFormat.parse(AccessLogFormat.toJson(entryAt(far))).time()).isEqualTo(far);
    }

    @Test
    void writesDecimalsWithAtMostThreeDigitsAndNoExponent() {
        assertThat(decimal(12.4)).isEqualTo("12.4");
        assertThat(decimal(0.3)).isEqualTo("0.3");
        assertThat(decimal(0.1 + 0.2)).isEqualTo("0.3");
        assertThat(decimal(12.0)).isEqualTo("12");
        assertThat(decimal(0.05)).isEqualTo("0.05");
        assertThat(decimal(0.005)).isEqualTo("0.005");
        assertThat(decimal(0.0004)).isEqualTo("0");
        assertThat(decimal(0.0005)).isEqualTo("0.001");
        assertThat(decimal(2.71828)).isEqualTo("2.718");
        assertThat(decimal(-1.5)).isEqualTo("-1.5");
        assertThat(decimal(-0.0)).isEqualTo("0");
        assertThat(decimal(1e-9)).isEqualTo("0");
        assertThat(decimal(123_456_789.25)).isEqualTo("123456789.25");
        assertThat(decimal(1e21)).isEqualTo("1000000000000000000000");
        assertThat(decimal(Double.NaN)).isEqualTo("null");
        assertThat(decimal(Double.POSITIVE_INFINITY)).isEqualTo("null");
    }

    @Test
    void escapesQuotesBackslashesAndControlCharacters() {
        assertThat(string("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
        assertThat(string("line\nbreak\rtab\t")).isEqualTo("\"line\\u000abreak\\u000dtab\\u0009\"");
        assertThat(string("\u0000\u001b[31m\u007f\u0085\u009f")).isEqualTo("\"\\u0000\\u001b[31m\\u007f\\u0085\\u009f\"");
    }

    @Test
    void escapesJavascriptLineSeparatorsAndUnpairedSurrogates() {
        assertThat(string("a\u2028b\u2029c")).isEqualTo("\"a\\u2028b\\u2029c\"");
        assertThat(string("x\ud800y\udc00")).isEqualTo("\"x\\ud800y\\udc00\"");
        assertThat(string("end\ud83d")).isEqualTo("\"end\\ud83d\"");
    }

    @Test
    void keepsOtherUnicodeAsIs() {
        assertThat(string("café 日本 😀 \u00a0")).isEqualTo("\"café 日本 😀 \u00a0\"");
    }

    @Test
    void aHostileUriCannotBreakTheLineOrForgeAField() {
        String hostile = "/x\",\"status\":200,\"error\":null}\n{\"time\":\"2000-01-01T00:00:00.000Z\"";
        AccessLogEntry entry = withUri(hostile);

        String line = AccessLogFormat.toJson(entry);

        assertThat(line).doesNotContain("\n", "\r", "\u2028", "\u2029");
        assertThat(AccessLogFormat.parse(line)).isEqualTo(entry);
        assertThat(AccessLogFormat.parse(line).status()).isEqualTo(502);
    }

    @Test
    void parsesWhatItWroteBackToAnEqualEntry() {
        List<AccessLogEntry> entries = List.of(
                SPEC_EXAMPLE,
                new AccessLogEntry(Instant.EPOCH, null, null, null, null, null, null, 0, 0, 0, null, null, null, 0,
                        null, null, null, null, null, null),
                new AccessLogEntry(Instant.parse("2026-11-21T10:15:30.007Z"), "r", "::ffff:10.0.0.1", "PATCH",
                        "h\u0000", "/\u2028", "HTTP/1.0", 200, Long.MAX_VALUE, 30_000.125, "r", "u", "e", 7, 204,
                        "connection_read_timeout", "\"quoted\" \\ back", 0.0, 0.999, "MISS"),
                withUri("/\ud800lone"));

        for (AccessLogEntry entry : entries) {
            assertThat(AccessLogFormat.parse(AccessLogFormat.toJson(entry))).isEqualTo(entry);
        }
    }

    @Test
    void roundTripsRandomEntriesExactly() {
        SplittableRandom random = new SplittableRandom(17);
        for (int i = 0; i < 5_000; i++) {
            AccessLogEntry entry = new AccessLogEntry(
                    Instant.ofEpochMilli(random.nextLong(0, 4_102_444_800_000L)),
                    randomString(random), randomString(random), randomString(random), randomString(random),
                    randomString(random), randomString(random), random.nextInt(100, 600),
                    random.nextLong(0, Long.MAX_VALUE), millis(random), randomString(random), randomString(random),
                    randomString(random), random.nextInt(0, 10), random.nextBoolean() ? null : random.nextInt(100, 600),
                    randomString(random), randomString(random), random.nextBoolean() ? null : millis(random),
                    random.nextBoolean() ? null : millis(random), randomString(random));

            String line = AccessLogFormat.toJson(entry);

            assertThat(line).doesNotContain("\n", "\r", "\u2028", "\u2029");
            assertThat(AccessLogFormat.parse(line)).isEqualTo(entry);
        }
    }

    @Test
    void parseReadsMissingNullableFieldsAsNullAndIgnoresUnknownOnes() {
        AccessLogEntry entry = AccessLogFormat.parse("{\"time\":\"2026-11-21T10:15:30.123Z\",\"status\":200,"
                + "\"bytes_sent\":5,\"duration_ms\":1,\"attempts\":1,\"added_later\":{\"x\":[1]}}");

        assertThat(entry).isEqualTo(new AccessLogEntry(Instant.parse("2026-11-21T10:15:30.123Z"), null, null, null,
                null, null, null, 200, 5, 1.0, null, null, null, 1, null, null, null, null, null, null));
    }

    @Test
    void parseRejectsWhatIsNotAnAccessLogLineNamingTheProblem() {
        assertThatThrownBy(() -> AccessLogFormat.parse("GET / 200"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not an access-log line (invalid JSON)");
        assertThatThrownBy(() -> AccessLogFormat.parse("[1]"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected a JSON object");
        assertThatThrownBy(() -> AccessLogFormat.parse(AccessLogFormat.toJson(SPEC_EXAMPLE).replace("\"status\":502,", "")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("access-log field status is missing or null");
        assertThatThrownBy(() -> AccessLogFormat.parse(AccessLogFormat.toJson(SPEC_EXAMPLE).replace("\"status\":502", "\"status\":\"502\"")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("access-log field status: expected an int, was \"502\"");
        assertThatThrownBy(() -> AccessLogFormat.parse(AccessLogFormat.toJson(SPEC_EXAMPLE).replace("2026-11-21T", "yesterday ")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("access-log field time: not an ISO-8601 instant");
        assertThatThrownBy(() -> AccessLogFormat.parse(AccessLogFormat.toJson(SPEC_EXAMPLE).replace("\"host\":\"api.example.com\"", "\"host\":7")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("access-log field host: expected a string, was 7");
    }

    @Test
    void aNonFiniteDurationIsWrittenAsNullAndReadBackAsNaN() {
        AccessLogEntry entry = new AccessLogEntry(Instant.EPOCH, null, null, null, null, null, null, 200, 0,
                Double.NaN, null, null, null, 0, null, null, null, null, null, null);

        assertThat(AccessLogFormat.toJson(entry)).contains("\"duration_ms\":null");
        assertThat(AccessLogFormat.parse(AccessLogFormat.toJson(entry))).isEqualTo(entry);
    }

    static AccessLogEntry entryAt(Instant time) {
        return new AccessLogEntry(time, "r", "c", "GET", "h", "/", "HTTP/1.1", 200, 1, 1, null, null, null, 1,
                200, null, null, null, null, null);
    }

    private static AccessLogEntry withUri(String uri) {
        return new AccessLogEntry(SPEC_EXAMPLE.time(), "r", "c", "GET", "h", uri, "HTTP/1.1", 502, 1, 2.5,
                null, null, null, 1, null, null, null, null, null, null);
    }

    private static String time(Instant t) {
        StringBuilder out = new StringBuilder();
        JsonText.appendTime(out, t);
        return out.toString();
    }

    private static String decimal(double v) {
        StringBuilder out = new StringBuilder();
        JsonText.appendDecimal(out, v);
        return out.toString();
    }

    private static String string(String s) {
        StringBuilder out = new StringBuilder();
        JsonText.appendString(out, s);
        return out.toString();
    }

    /** Milliseconds with up to three decimals, as a clock with microsecond resolution gives them. */
    private static double millis(SplittableRandom random) {
        return random.nextLong(0, 100_000_000) / 1000.0;
    }

    /** Null, or a mix of ASCII, controls, separators, BMP text, surrogate pairs and lone surrogates. */
    private static String randomString(SplittableRandom random) {
        if (random.nextInt(5) == 0) {
            return null;
        }
        List<Character> pool = new ArrayList<>();
        for (char c : "aZ0 /?=&\"\\\n\r\t\u0000\u001f\u007f\u0085\u00e9\u2028\u2029\u65e5\ud83d\ude00\ud800\udfff".toCharArray()) {
            pool.add(c);
        }
        StringBuilder s = new StringBuilder();
        int length = random.nextInt(0, 30);
        for (int i = 0; i < length; i++) {
            s.append(pool.get(random.nextInt(pool.size())));
        }
        return s.toString();
    }
}
