package dev.candor.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.dataformat.yaml.YAMLMapper;

import static java.util.Objects.requireNonNull;

/**
 * Reads a YAML config file into a validated {@link CandorConfig}, or fails with every problem in it,
 * each located as {@code FILE:LINE:COL}.
 */
public final class ConfigLoader {
    // Three passes, so that one run reports everything: an outline of the tokens (locations,
    // duplicate keys, syntax errors), binding into RawConfig (unknown keys and wrong shapes recorded,
    // not thrown), then validation, which substitutes environment variables and builds the records.

    private static final YAMLMapper MAPPER = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
                    DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
                    DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // Declaration order, so "expected one of" lists keys the way the docs do.
            .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            // `limits: ""` means the same as `limits:` (defaults), not a binding failure.
            // StreamReadFeature.STRICT_DUPLICATE_DETECTION stays off: it throws at the first duplicate,
            // while YamlOutline reports every duplicate key along with all other problems.
            .withCoercionConfigDefaults(c -> c.setCoercion(CoercionInputShape.EmptyString, CoercionAction.AsNull))
            .build();

    private ConfigLoader() {
    }

    /** Reads and validates a file; environment from System.getenv. */
    public static CandorConfig load(Path file) throws ConfigException {
        requireNonNull(file, "file");
        String yaml;
        try {
            yaml = Files.readString(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw unreadable(file, "not valid UTF-8 text");
        } catch (IOException e) {
            throw unreadable(file, describe(e));
        }
        return parse(yaml, file.toString(), file, System::getenv);
    }

    /** Parses YAML text; sourceName is used as FILE in problems; env looks up ${VAR}. */
    public static CandorConfig parse(String yaml, String sourceName, Path source, Function<String, String> env)
            throws ConfigException {
        return parse(yaml, sourceName, source, env, null);
    }

    /**
     * Parses YAML text meant to replace {@code running} in a live process: besides every check of
     * {@link #parse}, a change to a setting that only takes effect at start-up is a problem too (see
     * {@link ReloadCheck}), located like any other.
     */
    public static CandorConfig parseForReload(String yaml, String sourceName, Path source,
                                              Function<String, String> env, CandorConfig running)
            throws ConfigException {
        return parse(yaml, sourceName, source, env, requireNonNull(running, "running"));
    }

    /**
     * Reads only the {@code admin} key of a file: where a running Candor started from it answers its admin
     * API, and with which token. Lenient with the rest of the file, which may have been edited into an
     * invalid state since (that is when {@code candor reload} must still reach the process to hear why).
     *
     * @throws ConfigException when the file cannot be read or parsed as YAML, or {@code admin} is invalid
     */
    public static AdminConfig loadAdmin(Path file, Function<String, String> env) throws ConfigException {
        requireNonNull(file, "file");
        requireNonNull(env, "env");
        String yaml;
        try {
            yaml = Files.readString(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw unreadable(file, "not valid UTF-8 text");
        } catch (IOException e) {
            throw unreadable(file, describe(e));
        }
        YamlOutline outline = new YamlOutline();
        // Problems elsewhere in the file are not this reader's business: they go here and are dropped.
        Problems elsewhere = new Problems(file.toString(), outline);
        Problems problems = new Problems(file.toString(), outline);
        RawConfig raw;
        try (JsonParser parser = MAPPER.createParser(yaml)) {
            if (!outline.scan(parser, elsewhere)) {
                throw elsewhere.failure();
            }
            raw = MAPPER.readerFor(RawConfig.class).withHandler(new BindingProblemHandler(elsewhere)).readValue(yaml);
        } catch (JacksonException e) {
            problems.add(markOf(e), YamlSyntaxError.describe(e));
            throw problems.failure();
        }
        AdminConfig admin = new ConfigValidator(problems, new Values(problems, env), file)
                .admin(raw == null ? null : raw.admin);
        if (problems.any()) {
            throw problems.failure();
        }
        return admin;
    }

    private static CandorConfig parse(String yaml, String sourceName, Path source, Function<String, String> env,
                                      CandorConfig running) throws ConfigException {
        requireNonNull(yaml, "yaml");
        requireNonNull(sourceName, "sourceName");
        requireNonNull(env, "env");
        YamlOutline outline = new YamlOutline();
        Problems problems = new Problems(sourceName, outline);
        try (JsonParser parser = MAPPER.createParser(yaml)) {
            if (!outline.scan(parser, problems)) {
                throw problems.failure();
            }
        } catch (JacksonException e) {
            problems.add(markOf(e), YamlSyntaxError.describe(e));
            throw problems.failure();
        }
        if (outline.isEmpty()) {
            problems.add(new YamlOutline.Mark(1, 1), "the file is empty; at least 'routes' and 'upstreams' are required");
            throw problems.failure();
        }
        RawConfig raw;
        try {
            raw = MAPPER.readerFor(RawConfig.class).withHandler(new BindingProblemHandler(problems)).readValue(yaml);
        } catch (JacksonException e) {
            // Not expected once the outline pass succeeded; report rather than lose it.
            problems.add(markOf(e), e.getOriginalMessage());
            throw problems.failure();
        }
        CandorConfig config = new ConfigValidator(problems, new Values(problems, env), source).validate(raw);
        if (config != null && running != null) {
            ReloadCheck.compare(running, config, problems);
        }
        if (problems.any() || config == null) {
            throw problems.failure();
        }
        return config;
    }

    private static YamlOutline.Mark markOf(JacksonException e) {
        TokenStreamLocation location = e.getLocation();
        return location == null ? new YamlOutline.Mark(1, 1) : YamlOutline.Mark.of(location);
    }

    private static ConfigException unreadable(Path file, String reason) {
        return new ConfigException(List.of(new ConfigProblem(file.toString(), 1, 1, "cannot read the file: " + reason)));
    }

    private static String describe(IOException e) {
        // These carry only the path as their message; their type is the reason.
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
