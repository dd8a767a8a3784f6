package dev.candor.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/** Checks the process-wide {@code dns} settings and each upstream's {@code dns}. */
final class DnsValidator {
    /** One DNS label: letters, digits, '-' and '_' (SRV names start with '_'), 1-63 characters. */
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?");
    private static final int DNS_PORT = 53;

    private final Problems problems;
    private final Values values;

    DnsValidator(Problems problems, Values values) {
        this.problems = requireNonNull(problems, "problems");
        this.values = requireNonNull(values, "values");
    }

    DnsConfig process(RawConfig.Dns raw) {
        DnsConfig d = DnsConfig.DEFAULTS;
        if (raw == null) {
            return d;
        }
        List<HostPort> resolvers = new ArrayList<>();
        if (raw.resolvers != null) {
            for (int i = 0; i < raw.resolvers.size(); i++) {
                HostPort r = resolver(ConfigPath.index("dns.resolvers", i), raw.resolvers.get(i));
                if (r != null) {
                    resolvers.add(r);
                }
            }
            if (raw.resolvers.isEmpty()) {
                problems.at("dns.resolvers", "empty list; leave the key out to use /etc/resolv.conf");
            }
        }
        return new DnsConfig(resolvers,
                values.positiveDuration("dns.timeout", raw.timeout, d.timeout()),
                values.duration("dns.stale_for", raw.staleFor, d.staleFor()));
    }

    /** A name server: an IP literal with an optional port (53 by default); a name would need a resolver itself. */
    private HostPort resolver(String path, String raw) {
        String text = values.text(path, raw);
        if (text == null) {
            if (raw == null) {
                problems.at(path, "empty entry; expected an IP address such as 127.0.0.1:53");
            }
            return null;
        }
        HostPort address;
        try {
            boolean portGiven = text.startsWith("[") ? text.contains("]:") : text.indexOf(':') == text.lastIndexOf(':')
                    && text.indexOf(':') > 0;
            address = portGiven ? HostPort.parse(text)
                    : new HostPort(text.startsWith("[") ? text.substring(1, text.length() - 1) : text, DNS_PORT);
        } catch (IllegalArgumentException e) {
            problems.at(path, e.getMessage());
            return null;
        }
        if (!address.isIpLiteral()) {
            problems.at(path, "'" + text + "' is not an IP address; a resolver must be given by address "
                    + "(e.g. 127.0.0.1:53 or [::1]:53)");
            return null;
        }
        if (address.port() == 0) {
            problems.at(path, "'" + text + "': port 0 is not allowed here (expected 1-65535)");
            return null;
        }
        return address;
    }

    UpstreamDnsConfig upstream(String path, RawConfig.UpstreamDns raw) {
        UpstreamDnsConfig d = UpstreamDnsConfig.DEFAULTS;
        if (raw == null) {
            return d;
        }
        Duration refresh = values.duration(ConfigPath.child(path, "refresh"), raw.refresh, d.refresh());
        String srvPath = ConfigPath.child(path, "srv");
        String srv = values.text(srvPath, raw.srv);
        if (srv != null) {
            srv = srv.endsWith(".") ? srv.substring(0, srv.length() - 1) : srv;
            if (!isDnsName(srv)) {
                problems.at(srvPath, "'" + raw.srv + "' is not a DNS name (expected e.g. _http._tcp.api.service.consul)");
                srv = null;
            }
        }
        return new UpstreamDnsConfig(refresh, srv);
    }

    static boolean isDnsName(String name) {
        if (name.isEmpty() || name.length() > 253) {
            return false;
        }
        for (String label : name.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }
}
