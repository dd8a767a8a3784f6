package dev.candor.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 address block such as {@code 10.0.0.0/8} or {@code 2001:db8::/32}; a bare address is
 * a block of one. Parsed from literals only: nothing here ever asks DNS.
 */
public final class Cidr {
    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private final String text;
    private final byte[] network;
    private final int prefix;

    private Cidr(String text, byte[] network, int prefix) {
        this.text = text;
        this.network = network;
        this.prefix = prefix;
    }

    /**
     * Parses {@code ADDRESS} or {@code ADDRESS/BITS}.
     *
     * @throws IllegalArgumentException with a message fit for a config problem
     */
    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        byte[] bytes = literal(address);
        if (bytes == null) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR block (e.g. 10.0.0.0/8 or 2001:db8::/32)");
        }
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String p = text.substring(slash + 1);
            if (!p.matches("[0-9]{1,3}") || Integer.parseInt(p) > bits) {
                throw new IllegalArgumentException("'" + text + "': the prefix length must be 0 to " + bits);
            }
            prefix = Integer.parseInt(p);
        }
        byte[] masked = mask(bytes, prefix);
        if (!Arrays.equals(masked, bytes)) {
            // As a firewall rule this is almost always a typo for the block; say which block it is.
            throw new IllegalArgumentException("'" + text + "' has bits set past its /" + prefix + " prefix; the block is "
                    + format(masked) + "/" + prefix);
        }
        return new Cidr(text, masked, prefix);
    }

    /** The bytes of an IP literal (4 or 16), or null when it is not one; an IPv4-mapped IPv6 address gives 4. */
    public static byte[] literal(String address) {
        if (address == null || address.isEmpty()) {
            return null;
        }
        boolean v4 = IPV4.matcher(address).matches();
        String v6 = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
        if (!v4 && !IPV6.matcher(v6).matches()) {
            return null; // never let InetAddress see a host name: it would ask DNS
        }
        try {
            InetAddress a = InetAddress.getByName(v4 ? address : v6);
            return a.getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Whether {@code address} (4 or 16 bytes, as {@link #literal} gives) lies in this block. */
    public boolean contains(byte[] address) {
        if (address == null || address.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int m = (0xff << (8 - rest)) & 0xff;
        return (address[full] & m) == (network[full] & m);
    }

    /** Whether any of {@code blocks} holds {@code address}; the first that does, or null. */
    public static Cidr firstContaining(java.util.List<Cidr> blocks, byte[] address) {
        for (Cidr c : blocks) {
            if (c.contains(address)) {
                return c;
            }
        }
        return null;
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] = (byte) (out[i] & ((0xff << (8 - keep)) & 0xff));
        }
        return out;
    }

    private static String format(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** As written in the config. */
    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefix;
    }
}
