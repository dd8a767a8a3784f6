package dev.candor.admin;

import dev.candor.config.CandorConfig;
import dev.candor.config.ConfigChanges;
import dev.candor.config.ConfigException;
import dev.candor.config.ConfigLoader;
import dev.candor.config.ConfigProblem;
import dev.candor.config.ConfigWarnings;
import dev.candor.event.Event;
import dev.candor.server.CandorServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * Reloads the config file of a running server, whatever asked for it (SIGHUP, {@code POST /api/reload},
 * the file watcher): reads it, validates the whole of it against the running config, and only then
 * swaps it in. One reload at a time; a failed one leaves the running config untouched.
 */
public final class Reloader {
    private static final Logger log = LoggerFactory.getLogger(Reloader.class);

    private final CandorServer server;
    private final Path file;
    private final Function<String, String> env;
    private volatile String hash;
    /** The text of the file as last loaded successfully, to tell which keys a reload changes; or null. */
    private String text;
    /** The text before the latest applied reload. */
    private String previousText;
    private volatile Result last;
    private long reloads;

    /**
     * @param file the config file, or null when the config was built in code (nothing to reload)
     * @param env looks up {@code ${VAR}} in the file
     */
    public Reloader(CandorServer server, Path file, Function<String, String> env) {
        this.server = requireNonNull(server, "server");
        this.file = file;
        this.env = requireNonNull(env, "env");
        this.hash = file == null ? null : hashOrNull(file);
        this.text = file == null ? null : textOrNull(file);
    }

    /** How one reload went. */
    public record Result(boolean ok, Instant time, String trigger, long durationMicros, String hash,
                         List<ConfigProblem> problems, List<String> warnings, CandorServer.ReloadOutcome outcome) {
        public Result {
            problems = List.copyOf(problems);
            warnings = List.copyOf(warnings);
        }
    }

    /** The config file, or null. */
    public Path file() {
        return file;
    }

    /** SHA-256 of the file as last loaded successfully, or null. */
    public String hash() {
        return hash;
    }

    /** The latest reload, or null before the first. */
    public Result last() {
        return last;
    }

    /** Reads, validates and swaps in the config file. Blocks for the file read; call off the event loops. */
    public synchronized Result reload(String trigger) {
        long start = System.nanoTime();
        Result result;
        if (file == null) {
            result = failed(trigger, start, null, new ConfigProblem("(none)", 1, 1,
                    "this process was started without a config file (candor demo); there is nothing to reload"));
        } else {
            result = load(trigger, start);
        }
        server.metrics().reload(result.ok());
        last = result;
        if (result.ok()) {
            // After the result is visible: comparing the two files is for the journal, not for the reload.
            server.journal().record(event(result, ConfigChanges.between(previousText, text)));
        } else {
            server.journal().record(refused(result));
        }
        if (result.ok()) {
            log.info("reload ({}) applied in {} ms: {}", trigger, result.durationMicros() / 1000, result.outcome());
        } else {
            log.warn("reload ({}) refused, running config kept:\n  {}", trigger,
                    String.join("\n  ", result.problems().stream().map(ConfigProblem::toString).toList()));
        }
        return result;
    }

    private Result load(String trigger, long start) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            String why = e instanceof NoSuchFileException ? "no such file" : String.valueOf(e.getMessage());
            return failed(trigger, start, null, new ConfigProblem(file.toString(), 1, 1, "cannot read the file: " + why));
        }
        String digest = sha256(bytes);
        String yaml;
        try {
            yaml = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return failed(trigger, start, digest, new ConfigProblem(file.toString(), 1, 1,
                    "cannot read the file: not valid UTF-8 text"));
        }
        CandorConfig next;
        try {
            next = ConfigLoader.parseForReload(yaml, file.toString(), file, env, server.config());
        } catch (ConfigException e) {
            return new Result(false, Instant.now(), trigger, micros(start), digest, e.problems(), List.of(), null);
        }
        CandorServer.ReloadOutcome outcome;
        try {
            outcome = server.reload(next);
        } catch (IllegalStateException e) {
            // The server stopped meanwhile (a reload racing a shutdown).
            return failed(trigger, start, digest, new ConfigProblem(file.toString(), 1, 1, "not applied: " + e.getMessage()));
        }
        previousText = text;
        hash = digest;
        text = yaml;
        return new Result(true, Instant.now(), trigger, micros(start), digest, List.of(), ConfigWarnings.of(next),
                outcome);
    }

    /** The journal's record of an applied reload: every key it changed, old -> new. */
    private Event event(Result r, List<ConfigChanges.Change> changes) {
        reloads++;
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("reload", Long.toString(reloads));
        facts.put("trigger", r.trigger());
        facts.put("sha256", r.hash());
        facts.put("upstreams_started", String.join(", ", r.outcome().started()));
        facts.put("upstreams_retired", String.join(", ", r.outcome().retired()));
        List<String> keys = new ArrayList<>();
        for (ConfigChanges.Change c : changes) {
            keys.add(c.key());
            facts.put("changed " + c.key(), show(c.before()) + " -> " + show(c.after()));
        }
        String summary = "reload #" + reloads + " (" + r.trigger() + ") changed "
                + (keys.isEmpty() ? "no keys" : keys.size() <= 3 ? String.join(", ", changes.stream()
                .map(c -> c.key() + " " + show(c.before()) + " -> " + show(c.after())).toList())
                : keys.size() + " keys: " + String.join(", ", keys.subList(0, 3)) + ", ...");
        return new Event(r.time(), Event.RELOAD, file.toString(), summary, facts);
    }

    /** The journal's record of a refused reload: each error as {@code FILE:LINE:COL: message}. */
    private Event refused(Result r) {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("trigger", r.trigger());
        facts.put("sha256", r.hash());
        facts.put("errors", Integer.toString(r.problems().size()));
        for (int i = 0; i < r.problems().size(); i++) {
            facts.put("error " + (i + 1), r.problems().get(i).toString());
        }
        String first = r.problems().isEmpty() ? "" : ": " + r.problems().get(0)
                + (r.problems().size() > 1 ? " (and " + (r.problems().size() - 1) + " more)" : "");
        return new Event(r.time(), Event.RELOAD_REFUSED, file == null ? null : file.toString(),
                "reload (" + r.trigger() + ") refused, running config kept" + first, facts);
    }

    private static String show(String value) {
        return value == null ? "(absent)" : value;
    }

    private static String textOrNull(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Result failed(String trigger, long start, String digest, ConfigProblem problem) {
        return new Result(false, Instant.now(), trigger, micros(start), digest, List.of(problem), List.of(), null);
    }

    private static long micros(long startNanos) {
        return (System.nanoTime() - startNanos) / 1000;
    }

    static String hashOrNull(Path file) {
        try {
            return sha256(Files.readAllBytes(file));
        } catch (IOException e) {
            return null;
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
