package dev.candor.observe;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The access-log reader (used by `candor explain` and the tests) on any line: it returns an entry or
 * refuses the line with IllegalArgumentException, nothing else. And any entry Candor writes, whatever
 * its texts hold, is one line that reads back as the same entry.
 */
class AccessLogParseFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void anyLineParsesOrIsRefusedCleanly(byte[] input) {
        String line = new String(input, StandardCharsets.UTF_8);
        try {
            AccessLogEntry entry = AccessLogFormat.parse(line);
            assertThat(entry).isNotNull();
        } catch (IllegalArgumentException refused) {
            assertThat(refused.getMessage()).isNotBlank();
        }
    }

    @FuzzTest(maxDuration = "60s")
    void anyEntryWrittenReadsBackTheSame(FuzzedDataProvider data) {
        AccessLogEntry written = new AccessLogEntry(Instant.ofEpochMilli(data.consumeLong(0, 4_102_444_800_000L)),
                data.consumeString(40), "203.0.113.5", data.consumeString(10), data.consumeBoolean() ? data.consumeString(30) : null,
                data.consumeString(80), "HTTP/1.1", data.consumeInt(100, 599), data.consumeLong(0, Long.MAX_VALUE / 2),
                data.consumeInt(0, 1_000_000) / 1000.0, data.consumeString(20), data.consumeString(20),
                data.consumeBoolean() ? data.consumeString(30) : null, data.consumeInt(0, 10),
                data.consumeBoolean() ? data.consumeInt(100, 599) : null, data.consumeBoolean() ? data.consumeString(30) : null,
                data.consumeBoolean() ? data.consumeString(200) : null, null, null, null, null, null, null);

        String line = AccessLogFormat.toJson(written);

        assertThat(line).doesNotContain("\n", "\r");
        assertThat(AccessLogFormat.parse(line)).isEqualTo(written);
    }
}
