package dev.candor.admin;

import dev.candor.testing.AdminUnderTest;
import dev.candor.testing.Cleanup;
import dev.candor.testing.Ports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A journal on a disk that fills up (a 256 KiB tmpfs): Candor keeps serving and reports the dropped
 * rows. Mounting needs root (CAP_SYS_ADMIN); elsewhere the test is skipped.
 */
class JournalFullDiskTest {
    @TempDir
    Path dir;
    @AutoClose
    final Cleanup cleanup = new Cleanup();
    private Path mount;

    @AfterEach
    void unmount() throws Exception {
        cleanup.close();
        if (mount != null) {
            run("umount", mount.toString());
        }
    }

    private static boolean run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    @Test
    void whenTheDiskIsFullCandorKeepsServingAndCountsTheDroppedRows() throws Exception {
        Path small = Files.createDirectory(dir.resolve("small"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", small.toString()),
                "mounting a tmpfs needs root (CAP_SYS_ADMIN): the full-disk case is skipped here");
        mount = small;
        String yaml = "journal: {path: " + small.resolve("j.db") + "}\n"
                + AdminUnderTest.config("", Ports.refusing());
        AdminUnderTest t = cleanup.add(AdminUnderTest.start(dir, yaml));

        // Each failure is a couple of KiB of evidence; a few hundred fill 256 KiB.
        String longPath = "/" + "x".repeat(1500);
        await().atMost(java.time.Duration.ofSeconds(60)).untilAsserted(() -> {
            for (int i = 0; i < 20; i++) {
                assertThat(t.request(longPath).statusCode()).isEqualTo(502);
            }
            JsonNode journal = t.json("/api/status").get("journal");
            assertThat(journal.get("writing").asBoolean()).isFalse();
            assertThat(journal.get("rows_dropped").asLong()).isGreaterThan(0);
            assertThat(journal.get("problem").asString()).contains("free space on its file system: ");
        });
        // Still serving: the failure is explained as ever, only not kept on disk.
        assertThat(t.request("/").headers().firstValue("Proxy-Status").orElse("")).contains("connection_refused");
    }
}
