package dev.candor.doctor;

import dev.candor.config.CandorConfig;
import dev.candor.config.ConfigException;
import dev.candor.config.ConfigLoader;
import dev.candor.foreign.HaproxyConfig;
import dev.candor.foreign.NginxConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Another proxy's configuration ({@code candor doctor --from}) turned into what the doctor checks: a Candor
 * config with one upstream per target the proxy sends to (its servers, timeouts, pool idle timeout, TLS and
 * health check), and the {@link Terms} that name the proxy's own directives and their {@code FILE:LINE} in
 * advice. The checks themselves are the doctor's own.
 */
public final class ForeignConfig {
    /**
     * A line that opens an HAProxy section: the keyword at the start of the line, and neither {@code ;} nor a
     * brace on it (nginx's {@code listen 80;} ends with one).
     */
    private static final Pattern HAPROXY_SECTION = Pattern.compile(
            "(?m)^(global|defaults|frontend|backend|listen|resolvers|peers|userlist|program|mailers|http-errors|ring|cache)"
            + "([ \\t][^;{}\\n]*)?$");
    /** An nginx block opening a context: {@code http {}, {@code events {}, {@code server {}, {@code upstream x {}. */
    private static final Pattern NGINX_BLOCK = Pattern.compile(
            "(?m)^\\s*(http|events|server|upstream\\s+\\S+|location\\s+[^{]+|stream)\\s*\\{");

    private final CandorConfig config;
    private final Terms terms;

    private ForeignConfig(CandorConfig config, Terms terms) {
        this.config = config;
        this.terms = terms;
    }

    /** The config to probe: upstreams and listeners as the other proxy has them, admin off. */
    public CandorConfig config() {
        return config;
    }

    /** How advice names the other proxy's settings. */
    public Terms terms() {
        return terms;
    }

    /**
     * Reads {@code file}, an nginx or HAProxy configuration told apart by its content.
     *
     * @throws IOException when it cannot be read, is neither format, has a syntax error or proxies to nothing
     *                     the doctor can probe; the message says which, with {@code FILE:LINE} when it has one
     */
    public static ForeignConfig read(Path file) throws IOException {
        requireNonNull(file, "file");
        String text = Files.readString(file, StandardCharsets.UTF_8);
        ForeignSetup setup = switch (format(file, text)) {
            case "nginx" -> NginxUpstreams.read(file, NginxConfig.parse(file));
            case "haproxy" -> HaproxyUpstreams.read(file, HaproxyConfig.parse(file));
            default -> throw new IOException(file + ": neither an nginx nor an HAProxy configuration (no http/server/"
                    + "upstream block, no global/defaults/frontend/backend/listen section); give nginx.conf or haproxy.cfg");
        };
        if (setup.upstreams().isEmpty()) {
            throw new IOException(file + ": nothing to probe: no proxy_pass or server line names an address the doctor"
                    + " can reach" + (setup.notProbed().isEmpty() ? "" : " (" + String.join("; ", setup.notProbed()) + ")"));
        }
        try {
            CandorConfig config = ConfigLoader.parse(ForeignYaml.of(setup), file + " (as read by the doctor)", file,
                    name -> null);
            return new ForeignConfig(config, new ForeignTerms(setup));
        } catch (ConfigException e) {
            throw new IOException(file + ": a setting the doctor cannot use: " + e.problems().get(0).message(), e);
        }
    }

    /** {@code nginx}, {@code haproxy}, or {@code unknown}: the content decides, the file name breaks a tie. */
    static String format(Path file, String text) {
        String noComments = text.replaceAll("(?m)#.*$", "");
        boolean haproxy = HAPROXY_SECTION.matcher(noComments).find();
        boolean nginx = NGINX_BLOCK.matcher(noComments).find();
        if (haproxy != nginx) {
            return haproxy ? "haproxy" : "nginx";
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (nginx && name.endsWith(".conf")) {
            return "nginx";
        }
        return "unknown";
    }
}
