package dev.candor.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static java.util.Objects.requireNonNull;

/** Checks a bound config and builds the records, leaving listeners, routes and upstreams to their own validators. */
final class ConfigValidator {

    private final Problems problems;
    private final Values values;
    private final Path source;

    ConfigValidator(Problems problems, Values values, Path source) {
        this.problems = requireNonNull(problems, "problems");
        this.values = requireNonNull(values, "values");
        this.source = source;
    }

    /** The config, or null when the file is not even a mapping. */
    CandorConfig validate(RawConfig raw) {
        if (raw == null) {
            problems.at(ConfigPath.ROOT, "the file must be a mapping of keys (start with e.g. 'routes:')");
            return null;
        }
        // Routes check names against every declared upstream, even one that is itself invalid.
        List<String> upstreamNames = raw.upstreams == null ? List.of() : List.copyOf(raw.upstreams.keySet());
        TlsValidator tls = new TlsValidator(problems, values, source, java.time.Clock.systemUTC());
        return new CandorConfig(
                source,
                new ListenerValidator(problems, values, tls).validate(raw.listeners),
                admin(raw.admin),
                workers(raw.workers),
                accessLog(raw.accessLog),
                errors(raw.errors),
                limits(raw.limits),
                values.duration("shutdown_grace", raw.shutdownGrace, Duration.ofSeconds(30)),
                new RouteValidator(problems, values).validate(raw.routes, upstreamNames),
                new UpstreamValidator(problems, values, tls).validate(raw.upstreams),
                new DnsValidator(problems, values).process(raw.dns));
    }

    private int workers(String raw) {
        String text = values.text("workers", raw);
        // 0 in the record means one thread per core.
        if (text == null || text.equals("auto")) {
            return 0;
        }
        if (!text.matches("-?[0-9]+")) {
            problems.at("workers", "expected auto or a number of threads, found '" + text + "'");
            return 0;
        }
        return values.integer("workers", raw, 0, 1, Integer.MAX_VALUE);
    }

    AdminConfig admin(RawConfig.Admin raw) {
        if (raw == null) {
            return AdminConfig.DEFAULTS;
        }
        if (raw.shorthand != null) {
            String text = values.text("admin", raw.shorthand);
            if (text != null && !text.equals("off")) {
                problems.at("admin", "expected off or a mapping with 'address' and 'token', found '" + text + "'");
            }
            return AdminConfig.OFF;
        }
        HostPort address = values.hostPort("admin.address", raw.address, 0);
        String token = values.text("admin.token", raw.token);
        if (token != null && !token.isEmpty() && !token.matches("[\\x21-\\x7e]+")) {
            // It travels in an Authorization header: visible ASCII only (RFC 9110 token68 is stricter).
            problems.at("admin.token", "must be printable ASCII without spaces");
            token = null;
        }
        return new AdminConfig(true, address == null ? AdminConfig.DEFAULT_ADDRESS : address, token);
    }

    private AccessLogConfig accessLog(RawConfig.AccessLog raw) {
        if (raw == null) {
            return AccessLogConfig.STDOUT;
        }
        if (raw.shorthand != null) {
            String text = values.text("access_log", raw.shorthand);
            if (text != null && !text.equals("off")) {
                problems.at("access_log", "expected off or a mapping with 'path', found '" + text + "'");
            }
            return AccessLogConfig.OFF;
        }
        String path = "access_log.path";
        String target = values.text(path, raw.path);
        if (raw.path == null || target == null) {
            return AccessLogConfig.STDOUT;
        }
        if (target.equals("stdout") || target.equals("stderr")) {
            return new AccessLogConfig(true, target);
        }
        if (target.isBlank()) {
            problems.at(path, "needs a value: stdout, stderr or a file path");
            return AccessLogConfig.STDOUT;
        }
        try {
            Path file = Path.of(target);
            // Relative to the config file, so the same file works whatever the working directory.
            if (!file.isAbsolute() && source != null) {
                Path dir = source.toAbsolutePath().getParent();
                file = dir == null ? file : dir.resolve(file);
            }
            return new AccessLogConfig(true, file.toString());
        } catch (InvalidPathException e) {
            problems.at(path, "'" + target + "' is not a valid file path (" + e.getReason() + ")");
            return AccessLogConfig.STDOUT;
        }
    }

    private ErrorsConfig errors(RawConfig.Errors raw) {
        if (raw == null) {
            return ErrorsConfig.DEFAULTS;
        }
        String text = values.text("errors.expose", raw.expose);
        if (text == null) {
            return ErrorsConfig.DEFAULTS;
        }
        return switch (text) {
            case "none" -> new ErrorsConfig(ErrorsConfig.Expose.NONE);
            case "type" -> ErrorsConfig.DEFAULTS;
            case "details" -> new ErrorsConfig(ErrorsConfig.Expose.DETAILS);
            default -> {
                problems.at("errors.expose", "expected none, type or details, found '" + text + "'");
                yield ErrorsConfig.DEFAULTS;
            }
        };
    }

    private LimitsConfig limits(RawConfig.Limits raw) {
        if (raw == null) {
            return LimitsConfig.DEFAULTS;
        }
        LimitsConfig d = LimitsConfig.DEFAULTS;
        // Header and URI limits end up as int buffer sizes in the HTTP codec.
        return new LimitsConfig(
                values.size("limits.max_header_size", raw.maxHeaderSize, d.maxHeaderSize(), 1, Integer.MAX_VALUE),
                values.size("limits.max_uri_length", raw.maxUriLength, d.maxUriLength(), 1, Integer.MAX_VALUE),
                values.size("limits.max_body_size", raw.maxBodySize, d.maxBodySize(), 0, Long.MAX_VALUE),
                values.duration("limits.header_read_timeout", raw.headerReadTimeout, d.headerReadTimeout()),
                values.duration("limits.client_idle_timeout", raw.clientIdleTimeout, d.clientIdleTimeout()),
                values.integer("limits.max_connections", raw.maxConnections, d.maxConnections(), 0, Integer.MAX_VALUE));
    }
}
