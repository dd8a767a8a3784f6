package dev.candor.client;

import io.netty.resolver.HostsFileEntriesProvider;
import io.netty.resolver.HostsFileEntriesResolver;
import io.netty.resolver.ResolvedAddressTypes;
import io.netty.util.internal.PlatformDependent;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The hosts file as Netty parses it, read again when it changes: an edit to {@code /etc/hosts} is
 * followed at the name's next lookup, as the C library follows it. The file's modification time is
 * looked at no more than once a second; lookups are not on the request path.
 */
final class HostsFile implements HostsFileEntriesResolver {
    private static final long CHECK_INTERVAL_NANOS = 1_000_000_000L;

    private final Path path;
    private final LongSupplier nanoClock;
    private volatile HostsFileEntriesProvider entries = empty();
    private volatile FileTime modified;
    private volatile long checkedAtNanos;
    private volatile boolean checkedOnce;

    HostsFile(Path path, LongSupplier nanoClock) {
        this.path = path;
        this.nanoClock = nanoClock;
    }

    /** The system's hosts file ({@code /etc/hosts}, or Windows' equivalent). */
    static HostsFile system() {
        String root = PlatformDependent.isWindows()
                ? System.getenv().getOrDefault("SystemRoot", "C:\\Windows") + "\\system32\\drivers\\etc\\hosts" : "/etc/hosts";
        return new HostsFile(Path.of(root), System::nanoTime);
    }

    @Override
    public InetAddress address(String inetHost, ResolvedAddressTypes resolvedAddressTypes) {
        List<InetAddress> all = addresses(inetHost, resolvedAddressTypes);
        return all == null || all.isEmpty() ? null : all.get(0);
    }

    /** The addresses listed for {@code inetHost} in the preferred family order, or null when it is not listed. */
    public List<InetAddress> addresses(String inetHost, ResolvedAddressTypes types) {
        HostsFileEntriesProvider e = current();
        String name = inetHost.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        List<InetAddress> v4 = e.ipv4Entries().get(name);
        List<InetAddress> v6 = e.ipv6Entries().get(name);
        List<InetAddress> out = switch (types) {
            case IPV4_ONLY -> join(v4, null);
            case IPV6_ONLY -> join(v6, null);
            case IPV4_PREFERRED -> join(v4, v6);
            case IPV6_PREFERRED -> join(v6, v4);
        };
        return out.isEmpty() ? null : out;
    }

    private static List<InetAddress> join(List<InetAddress> first, List<InetAddress> then) {
        List<InetAddress> out = new ArrayList<>();
        if (first != null) {
            out.addAll(first);
        }
        if (then != null) {
            out.addAll(then);
        }
        return out;
    }

    /** The entries, read again when the file's modification time changed (checked at most once a second). */
    private HostsFileEntriesProvider current() {
        long now = nanoClock.getAsLong();
        if (checkedOnce && now - checkedAtNanos < CHECK_INTERVAL_NANOS) {
            return entries;
        }
        synchronized (this) {
            if (checkedOnce && now - checkedAtNanos < CHECK_INTERVAL_NANOS) {
                return entries;
            }
            FileTime m = modifiedTime();
            if (!checkedOnce || (m == null ? modified != null : !m.equals(modified))) {
                entries = m == null ? empty() : HostsFileEntriesProvider.parser().parseSilently(path.toFile());
                modified = m;
            }
            checkedAtNanos = now;
            checkedOnce = true;
            return entries;
        }
    }

    private static HostsFileEntriesProvider empty() {
        try {
            return HostsFileEntriesProvider.parser().parse(new StringReader(""));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading a string does not fail
        }
    }

    private FileTime modifiedTime() {
        try {
            return Files.getLastModifiedTime(path);
        } catch (IOException e) {
            return null; // no hosts file: nothing is listed
        }
    }
}
