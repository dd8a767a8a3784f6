package dev.candor.foreign;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HAProxy's configuration syntax: sections ({@code global}, {@code defaults}, {@code frontend}, {@code backend},
 * {@code listen} and the rest) made of keyword lines; {@code #} comments; double quotes (backslash escapes
 * inside), single quotes (nothing special inside) and backslash escapes outside quotes, all removed from the
 * words. {@code ${VAR}} is kept as written: the importer does not know HAProxy's environment. Each proxy
 * section inherits the {@code defaults} section before it, or the named one it gives with {@code from NAME}.
 *
 * <p>{@link #backends()} and {@link #frontends()} read the proxy sections into the settings another tool needs
 * (servers, balance, timeouts, keep-alive, health checks; binds, ACLs, {@code use_backend}), each with the
 * line it came from.
 */
public final class HaproxyConfig {
    /** Words that open a section; everything up to the next one belongs to it. */
    private static final Set<String> SECTIONS = Set.of("global", "defaults", "frontend", "backend", "listen",
            "userlist", "peers", "resolvers", "mailers", "program", "http-errors", "ring", "cache", "fcgi-app",
            "crt-store", "traces");
    private static final Pattern TIME = Pattern.compile("^(\\d+)(us|ms|s|m|h|d)?$");

    private final String file;
    private final List<HaproxySection> sections;

    private HaproxyConfig(String file, List<HaproxySection> sections) {
        this.file = file;
        this.sections = sections;
    }

    /** Reads {@code file}; a syntax error (an unterminated quote, a section without a name) names its line. */
    public static HaproxyConfig parse(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /** Reads configuration {@code text}; {@code file} is the name used in messages and {@link Directive#where()}. */
    public static HaproxyConfig parse(String text, String file) throws IOException {
        List<HaproxySection> out = new ArrayList<>();
        Map<String, HaproxySection> namedDefaults = new LinkedHashMap<>();
        HaproxySection lastDefaults = null;
        String kind = null;
        String name = null;
        HaproxySection inherits = null;
        Directive opened = null;
        List<Directive> lines = new ArrayList<>();
        String[] all = text.split("\n", -1);
        for (int i = 0; i < all.length; i++) {
            List<String> words = words(all[i], file, i + 1);
            if (words.isEmpty()) {
                continue;
            }
            Directive d = new Directive(words.get(0), List.copyOf(words.subList(1, words.size())), List.of(), file, i + 1);
            if (!SECTIONS.contains(d.name())) {
                if (kind == null) {
                    throw new IOException(d.where() + ": \"" + d.name() + "\" outside of any section (a config starts"
                            + " with global, defaults, frontend, backend or listen)");
                }
                lines.add(d);
                continue;
            }
            if (kind != null) {
                HaproxySection s = new HaproxySection(kind, name, inherits, List.copyOf(lines), opened);
                out.add(s);
                if (kind.equals("defaults")) {
                    lastDefaults = s;
                    if (name != null) {
                        namedDefaults.put(name, s);
                    }
                }
            }
            kind = d.name();
            lines.clear();
            opened = d;
            name = d.arg(0);
            if (name != null && name.equals("from") && kind.equals("defaults")) {
                name = null; // "defaults from NAME": anonymous, inheriting NAME
            }
            int from = d.args().indexOf("from");
            inherits = null;
            if (from >= 0) {
                String parent = d.arg(from + 1);
                inherits = parent == null ? null : namedDefaults.get(parent);
                if (inherits == null) {
                    throw new IOException(d.where() + ": " + d.text() + ": no defaults section named "
                            + (parent == null ? "(missing)" : "\"" + parent + "\"") + " before this line");
                }
            } else if (!kind.equals("defaults")) {
                inherits = lastDefaults;
            }
            if (name == null && (kind.equals("frontend") || kind.equals("backend") || kind.equals("listen"))) {
                throw new IOException(d.where() + ": \"" + kind + "\" needs a name");
            }
        }
        if (kind != null) {
            out.add(new HaproxySection(kind, name, inherits, List.copyOf(lines), opened));
        }
        return new HaproxyConfig(file, List.copyOf(out));
    }

    /** The file read, as given. */
    public String file() {
        return file;
    }

    /** Every section in file order. */
    public List<HaproxySection> sections() {
        return sections;
    }

    /** The sections of one kind ({@code frontend}, {@code backend}, …) in file order. */
    public List<HaproxySection> sections(String kind) {
        return sections.stream().filter(s -> s.kind().equals(kind)).toList();
    }

    /** The {@code global} section, when there is one. */
    public Optional<HaproxySection> global() {
        return sections.stream().filter(s -> s.kind().equals("global")).findFirst();
    }

    /** The upstreams: every {@code backend} and {@code listen} section with its servers and settings, in file order. */
    public List<HaproxyBackend> backends() throws IOException {
        List<HaproxyBackend> out = new ArrayList<>();
        for (HaproxySection s : sections) {
            if (s.kind().equals("backend") || s.kind().equals("listen")) {
                out.add(HaproxyBackend.of(s));
            }
        }
        return out;
    }

    /** The backend or listen section called {@code name}. */
    public Optional<HaproxyBackend> backend(String name) throws IOException {
        for (HaproxyBackend b : backends()) {
            if (b.name().equals(name)) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    /** Every {@code frontend} and {@code listen} section with its binds, ACLs and backend rules, in file order. */
    public List<HaproxyFrontend> frontends() throws IOException {
        List<HaproxyFrontend> out = new ArrayList<>();
        for (HaproxySection s : sections) {
            if (s.kind().equals("frontend") || s.kind().equals("listen")) {
                out.add(HaproxyFrontend.of(s));
            }
        }
        return out;
    }

    /**
     * An HAProxy time ({@code 5000}, {@code 500ms}, {@code 30s}, {@code 1m}, {@code 2h}, {@code 1d}, {@code 10us});
     * a bare number is milliseconds, as HAProxy reads it. Null when it is not a time.
     */
    public static Duration time(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = TIME.matcher(text);
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        return switch (unit) {
            case "us" -> Duration.ofNanos(n * 1000);
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** The words of one line: comments dropped, quotes and escapes resolved. */
    static List<String> words(String line, String file, int number) throws IOException {
        List<String> out = new ArrayList<>();
        StringBuilder word = null;
        int i = 0;
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (c == '#' && word == null) {
                break;
            }
            if (c == ' ' || c == '\t' || c == '\r') {
                if (word != null) {
                    out.add(word.toString());
                    word = null;
                }
                i++;
                continue;
            }
            if (word == null) {
                word = new StringBuilder();
            }
            if (c == '#') {
                // a '#' right after a word's text still starts a comment in HAProxy
                out.add(word.toString());
                word = null;
                break;
            }
            if (c == '\\' && i + 1 < n) {
                i = escape(line, i + 1, word);
            } else if (c == '"') {
                int end = i + 1;
                while (end < n && line.charAt(end) != '"') {
                    end = line.charAt(end) == '\\' && end + 1 < n ? escape(line, end + 1, word) : append(line, end, word);
                }
                if (end >= n) {
                    throw new IOException(file + ":" + number + ": unterminated double quote");
                }
                i = end + 1;
            } else if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new IOException(file + ":" + number + ": unterminated single quote");
                }
                word.append(line, i + 1, end);
                i = end + 1;
            } else {
                word.append(c);
                i++;
            }
        }
        if (word != null) {
            out.add(word.toString());
        }
        return out;
    }

    private static int append(String line, int at, StringBuilder word) {
        word.append(line.charAt(at));
        return at + 1;
    }

    /** The escape whose letter is at {@code at}: {@code \r \n \t \xHH}, an escaped space, quote, {@code \\ # $}. */
    private static int escape(String line, int at, StringBuilder word) {
        char e = line.charAt(at);
        switch (e) {
            case 'r' -> word.append('\r');
            case 'n' -> word.append('\n');
            case 't' -> word.append('\t');
            case 'x' -> {
                if (at + 2 < line.length() && isHex(line.charAt(at + 1)) && isHex(line.charAt(at + 2))) {
                    word.append((char) Integer.parseInt(line.substring(at + 1, at + 3), 16));
                    return at + 3;
                }
                word.append('\\').append(e);
            }
            case ' ', '\\', '#', '\'', '"', '$' -> word.append(e);
            default -> word.append('\\').append(e); // unknown escapes stay as written: regular expressions keep \.
        }
        return at + 1;
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }
}
