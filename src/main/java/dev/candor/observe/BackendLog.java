package dev.candor.observe;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A backend's log, read only for the lines that name a request id the doctor (or {@code candor explain}) is looking for. Two forms
 * are understood, line by line:
 * <ul>
 *   <li>JSON lines with the id in {@code request_id} (or {@code requestId}, {@code req_id},
 *       {@code x_request_id}) and the time in {@code time} (or {@code timestamp}, {@code ts},
 *       {@code @timestamp}) as ISO-8601, the text in {@code message}/{@code msg} and the level in
 *       {@code level};</li>
 *   <li>any other line: the first ISO-8601 timestamp in it ({@code 2026-11-21T10:15:30.123Z}, a space
 *       instead of {@code T} and a missing zone, read as UTC, are accepted) and the id as a whole word
 *       anywhere in the line.</li>
 * </ul>
 */
public final class BackendLog {
    private static final ObjectMapper MAPPER = JsonMapper.builder().build();
    private static final Pattern TIMESTAMP = Pattern.compile(
            "(\\d{4}-\\d{2}-\\d{2})[T ](\\d{2}:\\d{2}:\\d{2}(?:[.,]\\d{1,9})?)(Z|[+-]\\d{2}:?\\d{2})?");
    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final List<String> ID_FIELDS = List.of("request_id", "requestId", "req_id", "x_request_id");
    private static final List<String> TIME_FIELDS = List.of("time", "timestamp", "ts", "@timestamp");
    private static final List<String> TEXT_FIELDS = List.of("message", "msg");
    private static final int MAX_LINE_TEXT = 160;

    /** One backend line about a request: when, what it said, and its line number. */
    public record Line(String requestId, Instant time, String text, int number) {
    }

    private BackendLog() {
    }

    /** The lines (with a readable time) that mention one of {@code ids}, the first per id. */
    public static Map<String, Line> linesFor(Path file, Set<String> ids) throws IOException {
        Map<String, Line> found = new HashMap<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String raw;
            int number = 0;
            while ((raw = in.readLine()) != null) {
                number++;
                Line line = raw.startsWith("{") ? json(raw, number) : plain(raw, number, ids);
                if (line != null && line.time() != null && ids.contains(line.requestId())) {
                    found.putIfAbsent(line.requestId(), line);
                }
            }
        }
        return found;
    }

    private static Line json(String raw, int number) {
        JsonNode node;
        try {
            node = MAPPER.readTree(raw);
        } catch (JacksonException e) {
            return null;
        }
        if (node == null || !node.isObject()) {
            return null;
        }
        String id = first(node, ID_FIELDS);
        String time = first(node, TIME_FIELDS);
        String text = first(node, TEXT_FIELDS);
        String level = first(node, List.of("level", "severity"));
        Instant at = time == null ? null : instant(time);
        String said = (level == null ? "" : level + " ") + (text == null ? raw : text);
        return id == null ? null : new Line(id, at, shorten(said), number);
    }

    private static Line plain(String raw, int number, Set<String> ids) {
        Matcher t = TIMESTAMP.matcher(raw);
        if (!t.find()) {
            return null;
        }
        Instant at = instant(t.group(1) + "T" + t.group(2).replace(',', '.') + (t.group(3) == null ? "" : t.group(3)));
        Matcher w = WORD.matcher(raw);
        while (w.find()) {
            if (ids.contains(w.group())) {
                String rest = (raw.substring(0, t.start()) + raw.substring(t.end())).strip();
                return new Line(w.group(), at, shorten(rest), number);
            }
        }
        return null;
    }

    private static String first(JsonNode node, List<String> fields) {
        for (String f : fields) {
            JsonNode v = node.get(f);
            if (v != null && !v.isNull()) {
                return v.asString();
            }
        }
        return null;
    }

    /** ISO-8601 with or without zone (none = UTC); null when unreadable. */
    public static Instant instant(String text) {
        try {
            return OffsetDateTime.parse(text.replace(' ', 'T')).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(text.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    private static String shorten(String s) {
        String one = s.replace('\n', ' ').strip();
        return one.length() <= MAX_LINE_TEXT ? one : one.substring(0, MAX_LINE_TEXT - 1) + "…";
    }
}
