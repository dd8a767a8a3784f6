package dev.candor.foreign;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * What one alternative of a HAProxy condition matches, in Candor's terms (host, path, methods, headers,
 * query; null and empty fields match anything), and the translation of one ACL line into such matches.
 */
record HaproxyMatch(String host, String pathKey, String path, List<String> methods, Map<String, String> headers,
                     Map<String, String> query) {
    static final HaproxyMatch ANY = new HaproxyMatch(null, null, null, List.of(), Map.of(), Map.of());

    static HaproxyMatch host(String h) {
        return new HaproxyMatch(h, null, null, List.of(), Map.of(), Map.of());
    }

    static HaproxyMatch path(String key, String p) {
        return new HaproxyMatch(null, key, p, List.of(), Map.of(), Map.of());
    }

    static HaproxyMatch header(String name, String value) {
        return new HaproxyMatch(null, null, null, List.of(), Map.of(name, value), Map.of());
    }

    /** Both at once: empty when they can never hold together. */
    Optional<HaproxyMatch> and(HaproxyMatch o) throws Untranslatable {
        if (host != null && o.host != null && !host.equalsIgnoreCase(o.host)) {
            return Optional.empty();
        }
        if (pathKey != null && o.pathKey != null && !(pathKey.equals(o.pathKey) && path.equals(o.path))) {
            throw new Untranslatable("two conditions on the path (" + path + " and " + o.path + "): Candor's"
                    + " match takes one");
        }
        List<String> m = methods.isEmpty() ? o.methods : methods;
        if (!methods.isEmpty() && !o.methods.isEmpty()) {
            m = methods.stream().filter(o.methods::contains).toList();
            if (m.isEmpty()) {
                return Optional.empty();
            }
        }
        return Optional.of(new HaproxyMatch(host != null ? host : o.host, pathKey != null ? pathKey : o.pathKey,
                path != null ? path : o.path, m, merge(headers, o.headers, "header"), merge(query, o.query, "query parameter")));
    }

    private static Map<String, String> merge(Map<String, String> a, Map<String, String> b, String what)
            throws Untranslatable {
        Map<String, String> m = new LinkedHashMap<>(a);
        for (Map.Entry<String, String> e : b.entrySet()) {
            String old = m.putIfAbsent(e.getKey(), e.getValue());
            if (old != null && !old.equals(e.getValue())) {
                throw new Untranslatable("two conditions on the " + what + " " + e.getKey() + ": Candor's match"
                        + " takes one value per " + what);
            }
        }
        return m;
    }

    static final java.util.regex.Pattern FETCH =
            java.util.regex.Pattern.compile("^([a-z0-9_.]+)(?:\\((.*)\\))?$");
    /** HAProxy's predefined ACLs on the method. */
    static final Map<String, List<String>> METHOD_ACLS = Map.of("METH_GET", List.of("GET", "HEAD"),
            "METH_POST", List.of("POST"), "METH_PUT", List.of("PUT"), "METH_DELETE", List.of("DELETE"),
            "METH_HEAD", List.of("HEAD"), "METH_OPTIONS", List.of("OPTIONS"), "METH_TRACE", List.of("TRACE"),
            "METH_CONNECT", List.of("CONNECT"));
    /** A condition Candor cannot express; the message says which part and why. */
    static final class Untranslatable extends Exception {
        Untranslatable(String message) {
            super(message, null, false, false);
        }
    }

    /** One ACL line: any of its patterns. */
    static List<HaproxyMatch> acl(HaproxyFrontend.Acl a) throws Untranslatable {
        String[] converters = a.criterion().split(",");
        for (int i = 1; i < converters.length; i++) {
            if (!converters[i].equals("lower")) {
                throw new Untranslatable("the converter " + converters[i] + " has no equivalent");
            }
        }
        boolean ci = a.ignoreCase() || converters.length > 1;
        Matcher m = FETCH.matcher(converters[0]);
        if (!m.matches()) {
            throw new Untranslatable(a.criterion() + " has no equivalent");
        }
        for (int i = 0; i < a.flags().size(); i++) {
            String flag = a.flags().get(i);
            if (flag.equals("-f") || flag.equals("-M")) {
                throw new Untranslatable("patterns read from the file " + (i + 1 < a.flags().size()
                        ? a.flags().get(i + 1) : "") + " are not carried: write them in the acl");
            }
        }
        String fetch = m.group(1);
        String arg = m.group(2);
        String method = "str";
        int underscore = fetch.lastIndexOf('_');
        String base = fetch;
        if (underscore > 0 && Set.of("beg", "end", "sub", "reg", "dom", "dir", "str", "len", "cnt", "val")
                .contains(fetch.substring(underscore + 1))) {
            method = fetch.substring(underscore + 1);
            base = fetch.substring(0, underscore);
        }
        method = a.method().orElse(method);
        if (a.patterns().isEmpty()) {
            throw new Untranslatable(a.criterion() + " without a pattern has no equivalent");
        }
        List<HaproxyMatch> out = new ArrayList<>();
        switch (base) {
            case "hdr", "req.hdr", "req.fhdr", "hdr_ip" -> {
                if (arg == null || arg.isEmpty() || arg.contains(",")) {
                    throw new Untranslatable(a.criterion() + ": only a header with a name has an equivalent");
                }
                for (String p : a.patterns()) {
                    out.addAll(header(arg.toLowerCase(Locale.ROOT), method, p, ci));
                }
            }
            case "path", "url" -> {
                if (base.equals("url") && !(method.equals("beg") && !ci)) {
                    throw new Untranslatable(a.criterion() + ": of the url fetches, only url_beg has an equivalent");
                }
                for (String p : a.patterns()) {
                    out.add(path(method, p, ci));
                }
            }
            case "method" -> {
                if (!method.equals("str")) {
                    throw new Untranslatable(a.criterion() + " -m " + method + " has no equivalent");
                }
                out.add(new HaproxyMatch(null, null, null, a.patterns().stream().map(p -> p.toUpperCase(Locale.ROOT)).toList(),
                        Map.of(), Map.of()));
            }
            case "urlp", "url_param" -> {
                if (arg == null || arg.isEmpty() || arg.contains(",") || !method.equals("str")) {
                    throw new Untranslatable(a.criterion() + ": only an exact parameter value has an equivalent");
                }
                for (String p : a.patterns()) {
                    String v = ci ? "~(?i)^" + HaproxyImport.quote(p) + "$" : p.startsWith("~") ? "~^" + HaproxyImport.quote(p) + "$" : p;
                    out.add(new HaproxyMatch(null, null, null, List.of(), Map.of(), Map.of(arg, v)));
                }
            }
            default -> throw new Untranslatable(a.criterion() + " has no equivalent in a route's match");
        }
        return out;
    }

    private static List<HaproxyMatch> header(String name, String method, String p, boolean ci) throws Untranslatable {
        String flags = ci ? "(?i)" : "";
        if (name.equals("host")) {
            boolean plainName = p.matches("[A-Za-z0-9.-]+") && !p.startsWith(".") && !p.endsWith(".");
            String lower = p.toLowerCase(Locale.ROOT);
            if (method.equals("str") && plainName) {
                return List.of(HaproxyMatch.host(lower));
            }
            if (method.equals("dom") && plainName) {
                // the name and every name under it; HAProxy would also take it inside a longer name (x.NAME.example)
                return List.of(HaproxyMatch.host(lower), HaproxyMatch.host("*." + lower));
            }
            if (method.equals("end") && p.startsWith(".") && p.substring(1).matches("[A-Za-z0-9.-]+")) {
                return List.of(HaproxyMatch.host("*" + lower));
            }
        }
        String regex = switch (method) {
            case "str" -> ci ? "^" + HaproxyImport.quote(p) + "$" : null;
            case "beg" -> "^" + HaproxyImport.quote(p);
            case "end" -> HaproxyImport.quote(p) + "$";
            case "sub" -> HaproxyImport.quote(p);
            case "reg" -> p;
            case "dom" -> "(?:^|[./?:])" + HaproxyImport.quote(p) + "(?:[./?:]|$)";
            default -> throw new Untranslatable("hdr(" + name + ") -m " + method + " has no equivalent");
        };
        if (regex == null) {
            return List.of(HaproxyMatch.header(name, p.startsWith("~") ? "~^" + HaproxyImport.quote(p) + "$" : p));
        }
        return List.of(HaproxyMatch.header(name, "~" + re2(flags + regex)));
    }

    private static HaproxyMatch path(String method, String p, boolean ci) throws Untranslatable {
        boolean plain = p.startsWith("/") && !p.contains(" ") && !p.contains("?") && !p.contains("#");
        String flags = ci ? "(?i)" : "";
        switch (method) {
            case "str" -> {
                return plain && !ci ? HaproxyMatch.path("path", p) : HaproxyMatch.path("path_regex", re2(flags + "^" + HaproxyImport.quote(p) + "$"));
            }
            case "beg" -> {
                return plain && !ci ? HaproxyMatch.path("path_prefix", p) : HaproxyMatch.path("path_regex", re2(flags + "^" + HaproxyImport.quote(p)));
            }
            case "end" -> {
                return HaproxyMatch.path("path_regex", re2(flags + HaproxyImport.quote(p) + "$"));
            }
            case "sub" -> {
                return HaproxyMatch.path("path_regex", re2(flags + HaproxyImport.quote(p)));
            }
            case "reg" -> {
                return HaproxyMatch.path("path_regex", re2(flags + p));
            }
            case "dir" -> {
                String inner = p.replaceAll("^/+|/+$", "");
                return HaproxyMatch.path("path_regex", re2(flags + "(?:^|/)" + HaproxyImport.quote(inner) + "(?:/|$)"));
            }
            default -> throw new Untranslatable("path -m " + method + " has no equivalent");
        }
    }

    /** The pattern itself when RE2 (Candor's regular expressions) reads it. */
    private static String re2(String regex) throws Untranslatable {
        try {
            Pattern.compile(regex);
            return regex;
        } catch (PatternSyntaxException e) {
            throw new Untranslatable("the regular expression " + regex + " is not RE2 syntax (" + e.getDescription()
                    + "): Candor's regular expressions run in linear time");
        }
    }
}
