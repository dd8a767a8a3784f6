package dev.candor.foreign;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One HAProxy {@code frontend} (or {@code listen}) section with {@code defaults} applied: where it listens, its
 * ACLs, its {@code use_backend} rules in order and its {@code default_backend}.
 *
 * @param name           the section's name
 * @param section        the section itself, for any other keyword
 * @param binds          the {@code bind} lines
 * @param acls           the named ACLs (several lines with one name are one ACL: any of them matches)
 * @param rules          the {@code use_backend} lines in order: the first whose condition holds chooses
 * @param defaultBackend the {@code default_backend} in force; for a {@code listen} section, the section itself
 * @param timeouts       {@code timeout client}, {@code http-request} and {@code http-keep-alive} in force (the
 *                       other fields are null)
 * @param keepAlive      the connection mode ({@code option http-server-close}, {@code httpclose}) in force
 */
public record HaproxyFrontend(String name, HaproxySection section, List<Bind> binds, Map<String, List<Acl>> acls,
                              List<Rule> rules, Optional<String> defaultBackend, HaproxyBackend.Timeouts timeouts,
                              HaproxyBackend.KeepAlive keepAlive) {

    /** ACL flags that take a value: {@code -f FILE}, {@code -m METHOD}, {@code -M FILE}, {@code -u ID}. */
    private static final Set<String> FLAGS_WITH_VALUE = Set.of("-f", "-m", "-M", "-u");

    /**
     * One {@code bind} line.
     *
     * @param host   the address without the port, {@code ""} or {@code *} for every address; IPv6 without brackets
     * @param port   the port (the first of a range); 0 for a unix socket or when none is given
     * @param ssl    whether {@code ssl} is on
     * @param certs  the {@code crt} files (each may be a directory or a PEM holding the certificate and its key)
     * @param params every parameter after the address
     * @param source the line
     */
    public record Bind(String host, int port, boolean ssl, List<String> certs, List<String> params, Directive source) {
    }

    /**
     * One ACL line, or an anonymous ACL written inside braces in a condition.
     *
     * @param name      the name; {@code ""} for an anonymous one
     * @param criterion the fetch with its converters, e.g. {@code hdr(host)}, {@code path_beg}, {@code req.hdr(host),lower}
     * @param flags     the flags as written ({@code -i}, {@code -m beg}, {@code -f FILE}…)
     * @param patterns  the values (any of them matches)
     * @param source    the line
     */
    public record Acl(String name, String criterion, List<String> flags, List<String> patterns, Directive source) {

        /** Whether {@code -i}: patterns are compared without regard to case. */
        public boolean ignoreCase() {
            return flags.contains("-i");
        }

        /** The {@code -m} match method given, if any ({@code str}, {@code beg}, {@code end}, {@code reg}, {@code dom}…). */
        public Optional<String> method() {
            int i = flags.indexOf("-m");
            return i >= 0 && i + 1 < flags.size() ? Optional.of(flags.get(i + 1)) : Optional.empty();
        }
    }

    /** One term of a condition: an ACL by name, or an anonymous one (then {@code acl} is "" and {@code inline} set). */
    public record Term(boolean negated, String acl, Acl inline) {
    }

    /**
     * One {@code use_backend} line.
     *
     * @param backend   the backend's name as written (it may hold a log-format expression such as {@code %[…]})
     * @param unless    whether the condition is written with {@code unless} (the backend is used when it is false)
     * @param condition the condition in disjunctive form: any of the lists, each a list of terms that must all
     *                  hold ({@code a b || c} is {@code [[a, b], [c]]}); empty for a rule without condition
     * @param source    the line
     */
    public record Rule(String backend, boolean unless, List<List<Term>> condition, Directive source) {
    }

    static HaproxyFrontend of(HaproxySection s) throws IOException {
        List<Bind> binds = new ArrayList<>();
        for (Directive d : s.own("bind")) {
            binds.add(bind(d));
        }
        Map<String, List<Acl>> acls = new LinkedHashMap<>();
        for (Directive d : s.own("acl")) {
            if (d.args().size() < 2) {
                throw new IOException(d.where() + ": " + d.text() + ": an acl needs a name and a criterion");
            }
            acls.computeIfAbsent(d.arg(0), k -> new ArrayList<>()).add(acl(d.arg(0), d.args(), 1, d.args().size(), d));
        }
        List<Rule> rules = new ArrayList<>();
        for (Directive d : s.own("use_backend")) {
            rules.add(rule(d));
        }
        Optional<String> defaultBackend = s.last("default_backend").map(d -> d.arg(0));
        if (s.kind().equals("listen")) {
            defaultBackend = Optional.of(s.name());
        }
        HaproxyBackend.Timeouts t = new HaproxyBackend.Timeouts(null, null, timeout(s, "http-keep-alive"),
                timeout(s, "client"), timeout(s, "http-request"), null, null, null);
        return new HaproxyFrontend(s.name(), s, List.copyOf(binds), acls, List.copyOf(rules), defaultBackend, t,
                HaproxyBackend.keepAlive(s));
    }

    private static HaproxyBackend.Timeout timeout(HaproxySection s, String which) throws IOException {
        Optional<Directive> d = s.last("timeout", which);
        if (d.isEmpty()) {
            return null;
        }
        var value = HaproxyConfig.time(d.get().arg(1));
        if (value == null) {
            throw new IOException(d.get().where() + ": " + d.get().text() + ": '" + d.get().arg(1)
                    + "' is not a time (a number of milliseconds, or with a unit: us, ms, s, m, h, d)");
        }
        return new HaproxyBackend.Timeout(value, d.get());
    }

    private static Bind bind(Directive d) throws IOException {
        String address = d.arg(0);
        if (address == null) {
            throw new IOException(d.where() + ": bind needs an address");
        }
        // bind :80,:8080 listens on both: the first is the one read here, the others are in params
        String first = address.split(",")[0];
        for (String prefix : List.of("ipv4@", "ipv6@", "tcp@", "tcp4@", "tcp6@")) {
            if (first.startsWith(prefix)) {
                first = first.substring(prefix.length());
            }
        }
        String host = first;
        int port = 0;
        if (!first.startsWith("/") && !first.contains("@")) {
            int colon = first.startsWith("[") ? first.indexOf("]:") + 1 : first.lastIndexOf(':');
            if (colon > 0 || colon == 0 && !first.startsWith("[")) {
                host = first.substring(0, colon);
                if (host.startsWith("[")) {
                    host = host.substring(1, host.length() - 1);
                }
                String p = first.substring(colon + 1).split("-")[0];
                try {
                    port = Integer.parseInt(p);
                } catch (NumberFormatException e) {
                    throw new IOException(d.where() + ": " + d.text() + ": '" + p + "' is not a port");
                }
            }
        }
        List<String> params = d.args().subList(1, d.args().size());
        List<String> certs = new ArrayList<>();
        for (int i = 0; i + 1 < params.size(); i++) {
            if (params.get(i).equals("crt")) {
                certs.add(params.get(i + 1));
            }
        }
        return new Bind(host, port, params.contains("ssl"), List.copyOf(certs), List.copyOf(params), d);
    }

    /** The ACL in {@code words[from, to)}: criterion, flags, patterns. */
    private static Acl acl(String name, List<String> words, int from, int to, Directive d) throws IOException {
        if (from >= to) {
            throw new IOException(d.where() + ": " + d.text() + ": an acl needs a criterion");
        }
        String criterion = words.get(from);
        List<String> flags = new ArrayList<>();
        int i = from + 1;
        while (i < to && words.get(i).startsWith("-") && words.get(i).length() > 1) {
            String f = words.get(i++);
            if (f.equals("--")) {
                break;
            }
            flags.add(f);
            if (FLAGS_WITH_VALUE.contains(f) && i < to) {
                flags.add(words.get(i++));
            }
        }
        return new Acl(name, criterion, List.copyOf(flags), List.copyOf(words.subList(i, to)), d);
    }

    private static Rule rule(Directive d) throws IOException {
        if (d.args().isEmpty()) {
            throw new IOException(d.where() + ": use_backend needs a backend");
        }
        String backend = d.arg(0);
        if (d.args().size() == 1) {
            return new Rule(backend, false, List.of(), d);
        }
        String keyword = d.arg(1);
        if (!keyword.equals("if") && !keyword.equals("unless")) {
            throw new IOException(d.where() + ": " + d.text() + ": expected 'if' or 'unless' after the backend");
        }
        List<List<Term>> any = new ArrayList<>();
        List<Term> all = new ArrayList<>();
        List<String> w = d.args();
        int i = 2;
        while (i < w.size()) {
            String t = w.get(i);
            if (t.equals("||") || t.equalsIgnoreCase("or")) {
                any.add(List.copyOf(all));
                all.clear();
                i++;
                continue;
            }
            boolean negated = false;
            while (t.startsWith("!")) {
                negated = !negated;
                t = t.substring(1);
                if (t.isEmpty() && i + 1 < w.size()) {
                    t = w.get(++i);
                }
            }
            if (t.equals("{")) {
                int close = -1;
                for (int j = i + 1; j < w.size(); j++) {
                    if (w.get(j).equals("}")) {
                        close = j;
                        break;
                    }
                }
                if (close < i) {
                    throw new IOException(d.where() + ": " + d.text() + ": an anonymous acl without '}'");
                }
                all.add(new Term(negated, "", acl("", w, i + 1, close, d)));
                i = close + 1;
            } else {
                all.add(new Term(negated, t, null));
                i++;
            }
        }
        if (all.isEmpty()) {
            throw new IOException(d.where() + ": " + d.text() + ": a condition ends with '||' or is empty");
        }
        any.add(List.copyOf(all));
        return new Rule(backend, keyword.equals("unless"), List.copyOf(any), d);
    }
}
