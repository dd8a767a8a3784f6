package dev.candor.client;

import io.netty.resolver.ResolvedAddressTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The hosts file as the resolver reads it: Netty's parser, the C library's lookup rules, edits followed. */
class HostsFileTest {
    @TempDir
    Path dir;

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    private Path write(String text, long epochSecond) throws Exception {
        Path hosts = dir.resolve("hosts");
        Files.writeString(hosts, text);
        // An explicit time, so that two writes within the file system's timestamp granularity still differ.
        Files.setLastModifiedTime(hosts, FileTime.from(Instant.ofEpochSecond(epochSecond)));
        return hosts;
    }

    private static String text(java.util.List<InetAddress> addresses) {
        return addresses == null ? null : addresses.stream().map(InetAddress::getHostAddress).toList().toString();
    }

    @Test
    void aListedNameGivesItsAddressesInThePreferredFamilyOrderWhateverItsCase() throws Exception {
        Path hosts = write("""
                # comment
                10.0.0.5   api.internal api
                fd00::5    api.internal
                """, 1_000);
        HostsFile file = new HostsFile(hosts, nanos::get);

        assertThat(text(file.addresses("API.Internal.", ResolvedAddressTypes.IPV4_PREFERRED))).isEqualTo("[10.0.0.5, fd00:0:0:0:0:0:0:5]");
        assertThat(text(file.addresses("api.internal", ResolvedAddressTypes.IPV6_PREFERRED))).isEqualTo("[fd00:0:0:0:0:0:0:5, 10.0.0.5]");
        assertThat(text(file.addresses("api", ResolvedAddressTypes.IPV6_ONLY))).isNull();
        assertThat(file.address("api", ResolvedAddressTypes.IPV4_ONLY).getHostAddress()).isEqualTo("10.0.0.5");
        assertThat(file.addresses("db.internal", ResolvedAddressTypes.IPV4_PREFERRED)).isNull();
    }

    @Test
    void anEditIsFollowedOnceASecondHasPassedAndARemovedFileListsNothing() throws Exception {
        Path hosts = write("10.0.0.5 api.internal\n", 1_000);
        HostsFile file = new HostsFile(hosts, nanos::get);
        assertThat(text(file.addresses("api.internal", ResolvedAddressTypes.IPV4_ONLY))).isEqualTo("[10.0.0.5]");

        write("10.0.0.6 api.internal\n10.0.0.7 db.internal\n", 2_000);
        assertThat(text(file.addresses("api.internal", ResolvedAddressTypes.IPV4_ONLY)))
                .as("the file is looked at no more than once a second").isEqualTo("[10.0.0.5]");
        nanos.addAndGet(1_000_000_000L);
        assertThat(text(file.addresses("api.internal", ResolvedAddressTypes.IPV4_ONLY))).isEqualTo("[10.0.0.6]");
        assertThat(text(file.addresses("db.internal", ResolvedAddressTypes.IPV4_ONLY))).isEqualTo("[10.0.0.7]");

        Files.delete(hosts);
        nanos.addAndGet(1_000_000_000L);
        assertThat(file.addresses("api.internal", ResolvedAddressTypes.IPV4_ONLY)).isNull();
    }
}
