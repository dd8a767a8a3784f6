package dev.candor.observe;

import dev.candor.observe.AccessLogEntry.TunnelClose;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import static java.util.Objects.requireNonNull;

/**
 * The access-log line format (SPEC section 4): one JSON object per line, fields in a fixed order,
 * written by hand for the writer thread and read back with Jackson for {@code doctor}.
 */
public final class AccessLogFormat {

    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private AccessLogFormat() {
    }

    /** Encodes one entry as a single JSON line without the trailing newline. */
    public static String toJson(AccessLogEntry entry) {
        StringBuilder out = new StringBuilder(384);
        appendJson(out, entry);
        return out.toString();
    }

    /** Appends the JSON line to a buffer the caller reuses, so the writer thread allocates nothing. */
    static void appendJson(StringBuilder out, AccessLogEntry e) {
        requireNonNull(e, "entry");
        out.append("{\"time\":");
        JsonText.appendTime(out, e.time());
        JsonText.appendString(out.append(",\"request_id\":"), e.requestId());
        JsonText.appendString(out.append(",\"client_ip\":"), e.clientIp());
        JsonText.appendString(out.append(",\"method\":"), e.method());
        JsonText.appendString(out.append(",\"host\":"), e.host());
        JsonText.appendString(out.append(",\"uri\":"), e.uri());
        JsonText.appendString(out.append(",\"protocol\":"), e.protocol());
        out.append(",\"status\":").append(e.status());
        out.append(",\"bytes_sent\":").append(e.bytesSent());
        JsonText.appendDecimal(out.append(",\"duration_ms\":"), e.durationMs());
        JsonText.appendString(out.append(",\"route\":"), e.route());
        JsonText.appendString(out.append(",\"upstream\":"), e.upstream());
        JsonText.appendString(out.append(",\"endpoint\":"), e.endpoint());
        out.append(",\"attempts\":").append(e.attempts());
        appendNullableInt(out.append(",\"upstream_status\":"), e.upstreamStatus());
        JsonText.appendString(out.append(",\"error\":"), e.error());
        JsonText.appendString(out.append(",\"error_detail\":"), e.errorDetail());
        appendNullableDecimal(out.append(",\"connect_ms\":"), e.connectMs());
        appendNullableDecimal(out.append(",\"tls_ms\":"), e.tlsMs());
        appendNullableDecimal(out.append(",\"ttfb_ms\":"), e.ttfbMs());
        JsonText.appendString(out.append(",\"cache\":"), e.cache());
        if (e.close() != null) {
            // Only a tunnel's line has these (SPEC section 8): other lines keep the section 4 shape.
            out.append(",\"bytes_received\":").append(e.bytesReceived() == null ? 0L : e.bytesReceived());
            TunnelClose c = e.close();
            JsonText.appendString(out.append(",\"close\":{\"by\":"), c.by());
            appendNullableInt(out.append(",\"code\":"), c.code());
            JsonText.appendString(out.append(",\"reason\":"), c.reason());
            out.append('}');
        }
        out.append('}');
    }

    private static void appendNullableInt(StringBuilder out, Integer value) {
        if (value == null) {
            out.append("null");
        } else {
            out.append(value.intValue());
        }
    }

    private static void appendNullableDecimal(StringBuilder out, Double value) {
        if (value == null) {
            out.append("null");
        } else {
            JsonText.appendDecimal(out, value);
        }
    }

    /**
     * Reads a line written by {@link #toJson} back into an entry; fields it does not know are ignored
     * and a missing nullable field reads as null, so older and newer lines both parse.
     *
     * @throws IllegalArgumentException when the line is not an access-log line, naming the bad field
     */
    public static AccessLogEntry parse(String line) {
        requireNonNull(line, "line");
        JsonNode node;
        try {
            node = MAPPER.readTree(line);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not an access-log line (invalid JSON): " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("not an access-log line: expected a JSON object");
        }
        LineReader in = new LineReader(node);
        return new AccessLogEntry(
                in.time("time"),
                in.string("request_id"),
                in.string("client_ip"),
                in.string("method"),
                in.string("host"),
                in.string("uri"),
                in.string("protocol"),
                in.requiredInt("status"),
                in.requiredLong("bytes_sent"),
                in.requiredDecimal("duration_ms"),
                in.string("route"),
                in.string("upstream"),
                in.string("endpoint"),
                in.requiredInt("attempts"),
                in.optionalInt("upstream_status"),
                in.string("error"),
                in.string("error_detail"),
                in.optionalDecimal("connect_ms"),
                in.optionalDecimal("ttfb_ms"),
                in.string("cache"),
                in.optionalDecimal("tls_ms"),
                in.optionalLong("bytes_received"),
                in.tunnelClose("close"));
    }

    /** Typed field access with messages that name the field, so a bad line is easy to find. */
    private record LineReader(JsonNode node) {

        Instant time(String field) {
            String text = string(field);
            if (text == null) {
                throw missing(field);
            }
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("access-log field " + field + ": not an ISO-8601 instant: " + text, e);
            }
        }

        String string(String field) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!value.isString()) {
                throw wrongType(field, "a string");
            }
            return value.stringValue();
        }

        int requiredInt(String field) {
            Integer value = optionalInt(field);
            if (value == null) {
                throw missing(field);
            }
            return value;
        }

        Integer optionalInt(String field) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!value.isIntegralNumber() || !value.canConvertToInt()) {
                throw wrongType(field, "an int");
            }
            return value.intValue();
        }

        Long optionalLong(String field) {
            JsonNode value = node.get(field);
            return value == null || value.isNull() ? null : requiredLong(field);
        }

        TunnelClose tunnelClose(String field) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!value.isObject()) {
                throw wrongType(field, "an object");
            }
            LineReader close = new LineReader(value);
            String by = close.string("by");
            if (by == null) {
                throw missing(field + ".by");
            }
            return new TunnelClose(by, close.optionalInt("code"), close.string("reason"));
        }

        long requiredLong(String field) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                throw missing(field);
            }
            if (!value.isIntegralNumber() || !value.canConvertToLong()) {
                throw wrongType(field, "a long");
            }
            return value.longValue();
        }

        double requiredDecimal(String field) {
            JsonNode value = node.get(field);
            if (value == null) {
                throw missing(field);
            }
            // the writer turns NaN and infinities into null, as JSON has no spelling for them
            Double decimal = optionalDecimal(field);
            return decimal == null ? Double.NaN : decimal;
        }

        Double optionalDecimal(String field) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!value.isNumber()) {
                throw wrongType(field, "a number");
            }
            return value.doubleValue();
        }

        private static IllegalArgumentException missing(String field) {
            return new IllegalArgumentException("access-log field " + field + " is missing or null");
        }

        private IllegalArgumentException wrongType(String field, String expected) {
            return new IllegalArgumentException(
                    "access-log field " + field + ": expected " + expected + ", was " + node.get(field));
        }
    }
}
