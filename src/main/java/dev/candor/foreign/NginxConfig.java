package dev.candor.foreign;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * nginx's configuration syntax: directives ending in {@code ;}, blocks in braces, {@code #} comments, single
 * and double quotes with backslash escapes. {@code include} is replaced by the directives of the files it
 * names (relative to the main file's directory, globs allowed), at most {@link #MAX_INCLUDE_DEPTH} deep.
 */
public final class NginxConfig {
    private static final int MAX_INCLUDE_DEPTH = 16;

    private final Path base;
    private final String file;
    private final String text;
    private int pos;
    private int line = 1;

    private NginxConfig(Path base, Path file) throws IOException {
        this.base = base;
        this.file = file.toString();
        this.text = Files.readString(file, StandardCharsets.UTF_8);
    }

    /** The directives of {@code file}, includes followed. */
    public static List<Directive> parse(Path file) throws IOException {
        Path base = file.toAbsolutePath().getParent();
        return new NginxConfig(base, file).block(false, 0);
    }

    private List<Directive> block(boolean nested, int depth) throws IOException {
        List<Directive> out = new ArrayList<>();
        while (true) {
            String word = token();
            if (word == null) {
                if (nested) {
                    throw new IOException(file + ":" + line + ": unexpected end of file, expecting \"}\"");
                }
                return out;
            }
            if (word.equals("}")) {
                if (!nested) {
                    throw new IOException(file + ":" + line + ": unexpected \"}\"");
                }
                return out;
            }
            int at = line;
            List<String> args = new ArrayList<>();
            String t;
            while ((t = token()) != null && !t.equals(";") && !t.equals("{")) {
                args.add(t);
            }
            if (t == null) {
                throw new IOException(file + ":" + at + ": \"" + word + "\" has no \";\"");
            }
            List<Directive> children = t.equals("{") ? block(true, depth) : List.of();
            if (word.equals("include") && t.equals(";") && !args.isEmpty()) {
                if (depth >= MAX_INCLUDE_DEPTH) {
                    throw new IOException(file + ":" + at + ": includes nested deeper than " + MAX_INCLUDE_DEPTH);
                }
                for (Path p : matches(args.get(0))) {
                    out.addAll(new NginxConfig(base, p).included(depth + 1));
                }
            } else {
                out.add(new Directive(word, List.copyOf(args), children, file, at));
            }
        }
    }

    private List<Directive> included(int depth) throws IOException {
        return block(false, depth);
    }

    /** The files an include names, in name order (nginx reads a glob's files sorted). */
    private List<Path> matches(String pattern) throws IOException {
        Path p = base.resolve(pattern);
        String name = p.getFileName().toString();
        if (name.indexOf('*') < 0 && name.indexOf('?') < 0 && name.indexOf('[') < 0) {
            if (!Files.isReadable(p)) {
                throw new IOException(file + ":" + line + ": include " + pattern + ": no such file");
            }
            return List.of(p);
        }
        TreeSet<Path> found = new TreeSet<>();
        if (Files.isDirectory(p.getParent())) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(p.getParent(), name)) {
                ds.forEach(found::add);
            }
        }
        return List.copyOf(found);
    }

    /** The next word, {@code ;}, <code>{</code> or <code>}</code>; null at the end. */
    private String token() throws IOException {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '\n') {
                line++;
                pos++;
            } else if (Character.isWhitespace(c)) {
                pos++;
            } else if (c == '#') {
                while (pos < text.length() && text.charAt(pos) != '\n') {
                    pos++;
                }
            } else {
                break;
            }
        }
        if (pos >= text.length()) {
            return null;
        }
        char c = text.charAt(pos);
        if (c == ';' || c == '{' || c == '}') {
            pos++;
            return String.valueOf(c);
        }
        StringBuilder b = new StringBuilder();
        if (c == '"' || c == '\'') {
            pos++;
            while (pos < text.length() && text.charAt(pos) != c) {
                char d = text.charAt(pos++);
                if (d == '\\' && pos < text.length()) {
                    d = text.charAt(pos++);
                }
                if (d == '\n') {
                    line++;
                }
                b.append(d);
            }
            if (pos >= text.length()) {
                throw new IOException(file + ":" + line + ": unterminated quote");
            }
            pos++;
            return b.toString();
        }
        while (pos < text.length()) {
            char d = text.charAt(pos);
            if (Character.isWhitespace(d) || d == ';' || d == '{' || d == '}') {
                break;
            }
            if (d == '\\' && pos + 1 < text.length()) {
                b.append(d); // kept as written (regular expressions); only the next character loses its meaning
                pos++;
                d = text.charAt(pos);
            }
            b.append(d);
            pos++;
        }
        return b.toString();
    }
}
