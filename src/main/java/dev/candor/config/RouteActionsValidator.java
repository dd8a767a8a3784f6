package dev.candor.config;

import com.google.re2j.Pattern;
import dev.candor.config.RouteActionsConfig.HeaderActionsConfig;
import dev.candor.config.RouteActionsConfig.MirrorConfig;
import dev.candor.config.RouteActionsConfig.RedirectConfig;
import dev.candor.config.RouteActionsConfig.RespondConfig;
import dev.candor.config.RouteActionsConfig.RewriteConfig;
import dev.candor.config.RouteActionsConfig.RouteRetriesConfig;
import dev.candor.config.RouteActionsConfig.RouteTimeoutsConfig;
import dev.candor.config.RouteActionsConfig.SplitConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Checks what a route does besides naming one upstream: {@code split}, {@code mirror}, {@code rewrite},
 * {@code headers}, {@code timeouts}, {@code retries}, {@code redirect} and {@code respond}, and that they
 * fit together (a route forwards to exactly one of upstream or split, or answers itself).
 */
final class RouteActionsValidator {

    private static final Set<Integer> REDIRECT_STATUSES = Set.of(301, 302, 303, 307, 308);
    private static final Set<String> TEMPLATE_NAMES = Set.of("path", "query", "uri", "host");
    // Framing and connection fields are Candor's to write (RFC 9112 §6, RFC 9110 §7.6.1); Host has rewrite.host.
    private static final Set<String> MANAGED_HEADERS = Set.of("content-length", "transfer-encoding", "connection",
            "keep-alive", "upgrade", "te", "trailer", "proxy-connection", "host");
    private static final int MAX_WEIGHT = 1_000_000;
    // As for upstreams: more would multiply one client request into a storm.
    private static final int MAX_ATTEMPTS = 10;

    private final Problems problems;
    private final Values values;

    RouteActionsValidator(Problems problems, Values values) {
        this.problems = requireNonNull(problems, "problems");
        this.values = requireNonNull(values, "values");
    }

    RouteActionsConfig validate(String path, RawConfig.Route raw, List<String> upstreamNames) {
        List<SplitConfig> split = split(ConfigPath.child(path, "split"), raw.split, upstreamNames);
        RedirectConfig redirect = redirect(ConfigPath.child(path, "redirect"), raw.redirect);
        RespondConfig respond = respond(ConfigPath.child(path, "respond"), raw.respond);
        targets(path, raw);
        boolean answers = raw.redirect != null || raw.respond != null;
        if (answers) {
            String why = "has no effect: the route answers itself (" + (raw.redirect != null ? "redirect" : "respond")
                    + ") and forwards nothing";
            notWith(path, "mirror", raw.mirror, why);
            notWith(path, "rewrite", raw.rewrite, why);
            notWith(path, "timeouts", raw.timeouts, why);
            notWith(path, "retries", raw.retries, why);
            if (raw.headers != null) {
                notWith(ConfigPath.child(path, "headers"), "request", raw.headers.request, why);
            }
        }
        RawConfig.RouteHeaders headers = raw.headers;
        String headersPath = ConfigPath.child(path, "headers");
        return new RouteActionsConfig(split,
                mirror(ConfigPath.child(path, "mirror"), raw.mirror, upstreamNames),
                rewrite(ConfigPath.child(path, "rewrite"), raw.rewrite),
                headerActions(ConfigPath.child(headersPath, "request"), headers == null ? null : headers.request),
                headerActions(ConfigPath.child(headersPath, "response"), headers == null ? null : headers.response),
                timeouts(ConfigPath.child(path, "timeouts"), raw.timeouts),
                retries(ConfigPath.child(path, "retries"), raw.retries),
                redirect, respond);
    }

    /** A route forwards to an upstream or a split, or answers itself: exactly one of the four. */
    private void targets(String path, RawConfig.Route raw) {
        List<String> given = new ArrayList<>();
        if (raw.upstream != null) {
            given.add("upstream");
        }
        if (raw.split != null) {
            given.add("split");
        }
        if (raw.redirect != null) {
            given.add("redirect");
        }
        if (raw.respond != null) {
            given.add("respond");
        }
        if (given.size() > 1) {
            String second = ConfigPath.child(path, given.get(1));
            problems.at(second, "a route takes only one of upstream, split, redirect and respond (found "
                    + String.join(" and ", given) + ")");
        }
    }

    private void notWith(String path, String key, Object raw, String why) {
        if (raw != null) {
            problems.atKey(ConfigPath.child(path, key), ConfigPath.child(path, key) + ": " + why);
        }
    }

    private List<SplitConfig> split(String path, List<RawConfig.Split> raw, List<String> upstreamNames) {
        if (raw == null) {
            return List.of();
        }
        if (raw.isEmpty()) {
            problems.at(path, "empty list; list at least one { upstream, weight }, or use upstream");
            return List.of();
        }
        List<SplitConfig> split = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        long total = 0;
        for (int i = 0; i < raw.size(); i++) {
            String itemPath = ConfigPath.index(path, i);
            RawConfig.Split s = raw.get(i);
            if (s == null) {
                problems.at(itemPath, "empty entry; expected { upstream: NAME, weight: N }");
                continue;
            }
            if (s.upstream == null) {
                problems.missing(itemPath, "upstream");
                continue;
            }
            String upstreamPath = ConfigPath.child(itemPath, "upstream");
            String name = RouteValidator.knownUpstream(problems, values, upstreamPath, s.upstream, upstreamNames);
            int weight = values.integer(ConfigPath.child(itemPath, "weight"), s.weight, 1, 0, MAX_WEIGHT);
            if (name == null) {
                continue;
            }
            if (!seen.add(name)) {
                problems.at(upstreamPath, "upstream '" + name + "' is listed twice in this split; add the weights up");
                continue;
            }
            total += weight;
            split.add(new SplitConfig(name, weight));
        }
        if (total == 0 && !split.isEmpty()) {
            problems.at(path, "every weight is 0: at least one upstream must take traffic");
        }
        return split;
    }

    private MirrorConfig mirror(String path, RawConfig.Mirror raw, List<String> upstreamNames) {
        if (raw == null) {
            return null;
        }
        if (raw.upstream == null) {
            problems.missing(path, "upstream");
            return null;
        }
        String name = RouteValidator.knownUpstream(problems, values, ConfigPath.child(path, "upstream"), raw.upstream,
                upstreamNames);
        String percentPath = ConfigPath.child(path, "percent");
        String text = values.text(percentPath, raw.percent);
        double percent = 100;
        if (text != null) {
            try {
                percent = Double.parseDouble(text.endsWith("%") ? text.substring(0, text.length() - 1) : text);
            } catch (NumberFormatException e) {
                percent = Double.NaN;
            }
            if (!(percent >= 0 && percent <= 100)) {
                problems.at(percentPath, "expected a number from 0 to 100, found '" + text + "'");
                percent = 0;
            }
        }
        return name == null ? null : new MirrorConfig(name, percent);
    }

    private RewriteConfig rewrite(String path, RawConfig.Rewrite raw) {
        if (raw == null) {
            return null;
        }
        int pathRewrites = (raw.stripPrefix == null ? 0 : 1) + (raw.prefix == null ? 0 : 1) + (raw.regex == null ? 0 : 1);
        if (pathRewrites > 1) {
            String second = raw.regex != null ? "regex" : "prefix";
            problems.at(ConfigPath.child(path, second), "use only one of strip_prefix, prefix and regex in one rewrite");
        }
        String strip = pathText(ConfigPath.child(path, "strip_prefix"), raw.stripPrefix);
        String from = null;
        String to = null;
        if (raw.prefix != null) {
            String prefixPath = ConfigPath.child(path, "prefix");
            if (raw.prefix.from == null) {
                problems.missing(prefixPath, "from");
            }
            if (raw.prefix.to == null) {
                problems.missing(prefixPath, "to");
            }
            from = pathText(ConfigPath.child(prefixPath, "from"), raw.prefix.from);
            to = pathText(ConfigPath.child(prefixPath, "to"), raw.prefix.to);
        }
        String regex = null;
        String replacement = null;
        if (raw.regex != null) {
            String regexPath = ConfigPath.child(path, "regex");
            if (raw.regex.pattern == null) {
                problems.missing(regexPath, "pattern");
            }
            if (raw.regex.replacement == null) {
                problems.missing(regexPath, "replacement");
            }
            String patternPath = ConfigPath.child(regexPath, "pattern");
            regex = values.text(patternPath, raw.regex.pattern);
            String replacementPath = ConfigPath.child(regexPath, "replacement");
            replacement = values.text(replacementPath, raw.regex.replacement);
            if (regex != null) {
                String problem = Regexes.problem(regex);
                if (problem != null) {
                    problems.at(patternPath, problem);
                } else if (replacement != null && !replacement.chars().allMatch(c -> c > ' ' && c != 0x7f)) {
                    problems.at(replacementPath, "'" + replacement + "' contains a space or control character (percent-encode it)");
                } else if (replacement != null) {
                    String bad = Regexes.replacementProblem(Pattern.compile(regex), replacement);
                    if (bad != null) {
                        problems.at(replacementPath, bad);
                    }
                }
            }
        }
        String hostPath = ConfigPath.child(path, "host");
        String host = values.text(hostPath, raw.host);
        if (host != null) {
            String problem = upstreamHostProblem(host);
            if (problem != null) {
                problems.at(hostPath, problem);
            }
        }
        return new RewriteConfig(strip, from, to, regex, replacement, host);
    }

    /** A path given to a rewrite: it starts with '/' and has no query. */
    private String pathText(String path, String raw) {
        String text = values.text(path, raw);
        if (text != null) {
            String problem = RouteMatchRules.pathPrefixProblem(text);
            if (problem != null) {
                problems.at(path, problem.replace("a path prefix", "a rewritten path"));
            }
        }
        return text;
    }

    /** Why {@code host} cannot be sent as a Host header: a host name, IPv4 or [IPv6], with an optional port. */
    private static String upstreamHostProblem(String host) {
        String name = host;
        int colon = host.lastIndexOf(':');
        if (colon > 0 && host.indexOf(']') < colon) {
            String port = host.substring(colon + 1);
            if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) > 65535) {
                return "'" + host + "' has an invalid port";
            }
            name = host.substring(0, colon);
        }
        if (name.startsWith("*")) {
            return "'" + host + "' is sent as the Host header and cannot be a wildcard";
        }
        return RouteMatchRules.hostProblem(name);
    }

    private HeaderActionsConfig headerActions(String path, RawConfig.HeaderActions raw) {
        if (raw == null) {
            return HeaderActionsConfig.NONE;
        }
        Map<String, String> set = new LinkedHashMap<>();
        if (raw.set != null) {
            String setPath = ConfigPath.child(path, "set");
            for (Map.Entry<String, String> e : raw.set.entrySet()) {
                String itemPath = ConfigPath.child(setPath, e.getKey());
                if (!headerName(itemPath, e.getKey())) {
                    continue;
                }
                String value = e.getValue() == null ? "" : values.text(itemPath, e.getValue());
                if (value == null) {
                    continue;
                }
                if (!value.chars().allMatch(c -> c == '\t' || (c >= 0x20 && c != 0x7f))) {
                    problems.at(itemPath, "a header value must not contain line breaks or control characters");
                    continue;
                }
                set.put(e.getKey(), value.strip());
            }
        }
        List<String> remove = new ArrayList<>();
        if (raw.remove != null) {
            String removePath = ConfigPath.child(path, "remove");
            for (int i = 0; i < raw.remove.size(); i++) {
                String itemPath = ConfigPath.index(removePath, i);
                String name = values.text(itemPath, raw.remove.get(i));
                if (raw.remove.get(i) == null) {
                    problems.at(itemPath, "empty entry; expected a header name");
                } else if (name != null && headerName(itemPath, name)) {
                    remove.add(name);
                }
            }
        }
        return new HeaderActionsConfig(set, remove);
    }

    private boolean headerName(String path, String name) {
        if (!RouteMatchRules.isToken(name)) {
            problems.atKey(path, path + ": '" + name + "' is not a header field name");
            return false;
        }
        if (MANAGED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
            problems.atKey(path, path + ": " + name + " is managed by Candor and cannot be changed here"
                    + (name.equalsIgnoreCase("host") ? " (use rewrite.host)" : ""));
            return false;
        }
        return true;
    }

    private RouteTimeoutsConfig timeouts(String path, RawConfig.RouteTimeouts raw) {
        if (raw == null) {
            return null;
        }
        return new RouteTimeoutsConfig(
                values.duration(ConfigPath.child(path, "response"), raw.response, null),
                values.duration(ConfigPath.child(path, "idle"), raw.idle, null),
                values.duration(ConfigPath.child(path, "tunnel_idle"), raw.tunnelIdle, null));
    }

    private RouteRetriesConfig retries(String path, RawConfig.RouteRetries raw) {
        if (raw == null) {
            return null;
        }
        Integer attempts = raw.attempts == null ? null
                : values.integer(ConfigPath.child(path, "attempts"), raw.attempts, 0, 0, MAX_ATTEMPTS);
        Set<RetryConfig.On> on = raw.on == null ? null
                : new RetryValidator(problems, values).on(ConfigPath.child(path, "on"), raw.on);
        Duration perTry = values.duration(ConfigPath.child(path, "per_try_timeout"), raw.perTryTimeout, null);
        return new RouteRetriesConfig(attempts, on, perTry);
    }

    private RedirectConfig redirect(String path, RawConfig.Redirect raw) {
        if (raw == null) {
            return null;
        }
        if (raw.to == null) {
            problems.missing(path, "to");
        }
        String toPath = ConfigPath.child(path, "to");
        String to = values.text(toPath, raw.to);
        if (to != null) {
            String problem = templateProblem(to);
            if (problem != null) {
                problems.at(toPath, problem);
            }
        }
        String statusPath = ConfigPath.child(path, "status");
        int status = values.integer(statusPath, raw.status, 302, 300, 399);
        if (!REDIRECT_STATUSES.contains(status)) {
            problems.at(statusPath, "expected 301, 302, 303, 307 or 308, found " + status);
        }
        return to == null ? null : new RedirectConfig(to, status);
    }

    /** Why a redirect target cannot be sent as a Location, or null: known placeholders, no spaces or controls. */
    private static String templateProblem(String to) {
        if (to.isEmpty()) {
            return "must not be empty";
        }
        for (int i = 0; i < to.length(); i++) {
            char c = to.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                return "'" + to + "' contains a space or control character (percent-encode it)";
            }
            if (c == '{') {
                int close = to.indexOf('}', i);
                String name = close < 0 ? "" : to.substring(i + 1, close);
                if (!TEMPLATE_NAMES.contains(name)) {
                    return "'" + to + "': unknown placeholder at '" + to.substring(i, close < 0 ? to.length() : close + 1)
                            + "' (known: {path}, {query}, {uri}, {host})";
                }
                i = close;
            }
        }
        return null;
    }

    private RespondConfig respond(String path, RawConfig.Respond raw) {
        if (raw == null) {
            return null;
        }
        String statusPath = ConfigPath.child(path, "status");
        int status = values.integer(statusPath, raw.status, 200, 200, 599);
        String body = raw.body == null ? "" : values.text(ConfigPath.child(path, "body"), raw.body);
        if ((status == 204 || status == 304) && body != null && !body.isEmpty()) {
            problems.at(ConfigPath.child(path, "body"), "a " + status + " response has no body (RFC 9110 §15.3.5, §15.4.5)");
        }
        String typePath = ConfigPath.child(path, "content_type");
        String type = values.text(typePath, raw.contentType);
        if (type != null && (type.isBlank() || !type.chars().allMatch(c -> c >= 0x20 && c != 0x7f))) {
            problems.at(typePath, "expected a media type such as text/plain, found '" + type + "'");
        }
        return new RespondConfig(status, body == null ? "" : body, type == null ? "text/plain; charset=utf-8" : type);
    }
}
