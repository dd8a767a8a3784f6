package dev.candor.upstream;

import dev.candor.config.HostPort;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import static java.util.Objects.requireNonNull;

/**
 * One backend address of an upstream: the unit that is balanced over, pooled, health-checked, ejected
 * and drained. Its {@link EndpointHealth} is shared by every event loop. An endpoint always has an IP
 * address: a configured host name becomes one endpoint per address its DNS answer holds.
 */
public final class Endpoint {
    private final String upstream;
    private final HostPort address;
    private final InetSocketAddress socketAddress;
    private final int weight;
    private final int priority;
    private final DnsSource source;
    private final String label;
    private final EndpointHealth health;
    private volatile boolean retired;

    /** An endpoint configured by IP address (a name here is kept unresolved: tests and benchmarks only). */
    public Endpoint(String upstream, HostPort address, int weight, EndpointHealth health) {
        this(upstream, address, literal(address), weight, 0, null, health);
    }

    /**
     * @param address the host and port as configured (for an SRV target: its target name and port)
     * @param socketAddress the resolved IP and port to connect to
     * @param priority the SRV priority tier (lower is preferred); 0 for listed endpoints
     * @param source the DNS answer this endpoint came from, or null for an IP address in the config
     */
    public Endpoint(String upstream, HostPort address, InetSocketAddress socketAddress, int weight, int priority,
                    DnsSource source, EndpointHealth health) {
        this.upstream = requireNonNull(upstream, "upstream");
        this.address = requireNonNull(address, "address");
        this.socketAddress = requireNonNull(socketAddress, "socketAddress");
        this.weight = weight;
        this.priority = priority;
        this.source = source;
        this.label = source == null ? address.toString() : ipPort(socketAddress);
        this.health = requireNonNull(health, "health");
    }

    private static InetSocketAddress literal(HostPort address) {
        return address.isIpLiteral() ? new InetSocketAddress(address.host(), address.port())
                : InetSocketAddress.createUnresolved(address.host(), address.port());
    }

    /** {@code ip:port}, with brackets for IPv6. */
    public static String ipPort(InetSocketAddress a) {
        InetAddress ip = a.getAddress();
        String host = ip == null ? a.getHostString() : ipText(ip);
        return new HostPort(host, a.getPort()).toString();
    }

    /** The address as RFC 5952 writes it: IPv6 in its shortest form ({@code ::1}, not {@code 0:0:0:0:0:0:0:1}). */
    public static String ipText(InetAddress ip) {
        byte[] b = ip.getAddress();
        if (b.length != 16) {
            return ip.getHostAddress();
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1; // a single zero group is not shortened
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }

    public String upstream() {
        return upstream;
    }

    /** The host and port as configured (a DNS name stays a name here). */
    public HostPort address() {
        return address;
    }

    /** Where to connect: never needs a lookup. */
    public InetSocketAddress socketAddress() {
        return socketAddress;
    }

    public int weight() {
        return weight;
    }

    /** The SRV priority tier; endpoints of a lower tier are preferred while any of them is usable. */
    public int priority() {
        return priority;
    }

    /** The DNS name this endpoint was resolved from, or null when the config gave its IP address. */
    public DnsSource source() {
        return source;
    }

    /** {@code ip:port}: the name used in logs and the admin API; for a literal, as configured. */
    public String label() {
        return label;
    }

    /** {@code label} plus the configured name when it differs: {@code 10.0.0.7:8080 (api.internal:8080)}. */
    public String describe() {
        return source == null ? label : label + " (" + address + ")";
    }

    public EndpointHealth health() {
        return health;
    }

    /** True once a DNS change removed it: in-flight requests finish, nothing new is sent. */
    public boolean isRetired() {
        return retired;
    }

    void retire() {
        retired = true;
    }

    @Override
    public String toString() {
        return upstream + "/" + label;
    }
}
