package dev.candor.process;

import dev.candor.config.ConfigLoader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The OCI image tarball that {@code ./mvnw -Poci package} writes (target/candor-image.tar): its manifest and
 * config say what an operator relies on (user, entrypoint, ports, volumes), its layers hold the runtime and
 * the starting config, and its file system, run with chroot as the image's user, serves requests. The
 * tarball is built before the tests in CI ({@code .ci/run}); elsewhere the test skips when it is missing.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OciImageTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Path TARBALL = Path.of(System.getProperty("candor.image", "target/candor-image.tar"));
    private static final boolean CI = "true".equals(System.getenv("CI"));

    @TempDir
    static Path dir;
    private static Path layout;
    private static JsonNode manifest;
    private static JsonNode config;

    @BeforeAll
    static void unpack() throws Exception {
        if (!Files.exists(TARBALL)) {
            if (CI) {
                throw new AssertionError(TARBALL.toAbsolutePath() + " is missing: .ci/run builds it with"
                        + " ./mvnw -B -Poci -DskipTests package before the tests");
            }
            assumeTrue(false, "no image tarball at " + TARBALL + ": build it with ./mvnw -B -Poci -DskipTests package");
        }
        layout = Files.createDirectories(dir.resolve("layout"));
        run(List.of("tar", "-xf", TARBALL.toString(), "-C", layout.toString()));
        JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
        assertThat(index.get("mediaType").asString()).isEqualTo("application/vnd.oci.image.index.v1+json");
        manifest = JSON.readTree(blob(index.get("manifests").get(0).get("digest").asString()).toFile());
        config = JSON.readTree(blob(manifest.get("config").get("digest").asString()).toFile());
    }

    @Test
    void theConfigRunsCandorAsAnUnprivilegedUserWithTheLauncherFlagsPortsAndVolumes() {
        JsonNode c = config.get("config");
        assertThat(config.get("os").asString()).isEqualTo("linux");
        assertThat(config.get("architecture").asString()).isEqualTo("amd64");
        assertThat(c.get("User").asString()).isEqualTo("65532:65532");
        assertThat(strings(c.get("Entrypoint"))).containsExactly("/opt/java/bin/java", "-XX:+ExitOnOutOfMemoryError",
                "-Xms64m", "-cp", "@/app/jib-classpath-file", "dev.candor.cli.Main");
        assertThat(strings(c.get("Cmd"))).containsExactly("run", "-c", "/etc/candor/candor.yaml");
        assertThat(c.get("ExposedPorts").propertyNames()).containsExactlyInAnyOrder("8080/tcp", "9901/tcp");
        assertThat(c.get("Volumes").propertyNames()).containsExactlyInAnyOrder("/etc/candor", "/var/log/candor");
        assertThat(strings(c.get("Env"))).contains("JAVA_HOME=/opt/java");
    }

    @Test
    void theLayersHoldTheRuntimeTheLibrariesTheJarsAndAStartingConfigThatPassesCheck() throws Exception {
        Path root = rootFileSystem();
        assertThat(Files.isExecutable(root.resolve("opt/java/bin/java"))).isTrue();
        assertThat(root.resolve("opt/java/bin/javac")).as("a jlinked runtime, not a JDK").doesNotExist();
        assertThat(root.resolve("lib64/ld-linux-x86-64.so.2")).exists();
        assertThat(root.resolve("lib/x86_64-linux-gnu/libc.so.6")).exists();
        assertThat(root.resolve("app/classpath/candor.jar")).exists();
        assertThat(Files.readString(root.resolve("app/jib-classpath-file"))).startsWith("/app/classpath/*:")
                .contains("/app/libs/netty-transport-native-epoll-");
        assertThat(Files.readAllLines(root.resolve("etc/passwd"))).contains("candor:x:65532:65532:Candor:/nonexistent:/sbin/nologin");
        assertThat(Files.getPosixFilePermissions(root.resolve("var/log/candor")))
                .as("the log volume is writable by the image's user").hasSize(9);
        Path shipped = root.resolve("etc/candor/candor.yaml");
        assertThat(ConfigLoader.parse(Files.readString(shipped), shipped.toString(), shipped, Map.<String, String>of()::get)
                .listeners().get(0).address().port()).isEqualTo(8080);
    }

    @Test
    void theImagesFileSystemServesRequestsAsItsUser() throws Exception {
        boolean root = "0".equals(output(List.of("id", "-u")).trim());
        if (!root) {
            assertThat(CI).as("CI runs as root, so this must run there").isFalse();
            assumeTrue(false, "running the image's file system needs root (chroot); skipped");
        }
        Path rootfs = rootFileSystem();
        // The entrypoint with `selftest` instead of the default arguments: a proxy on loopback in front of
        // misbehaving backends, all inside the image's files, as user 65532, with /proc as a runtime gives it.
        List<String> command = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "--fork",
                "sh", "-c", "mount -t proc proc \"$0/proc\" && exec chroot --userspec=65532:65532 \"$0\" \"$@\"",
                rootfs.toString()));
        command.addAll(strings(config.get("config").get("Entrypoint")));
        command.add("selftest");
        ProcessResult r = exec(command);
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("candor selftest: ok").contains("(epoll)");
    }

    private static Path rootfs;

    /** The layers unpacked in order into one directory (once). */
    private static synchronized Path rootFileSystem() throws Exception {
        if (rootfs == null) {
            Path target = Files.createDirectories(dir.resolve("rootfs"));
            for (JsonNode layer : manifest.get("layers")) {
                run(List.of("tar", "-xzf", blob(layer.get("digest").asString()).toString(), "-C", target.toString()));
            }
            Files.createDirectories(target.resolve("proc"));
            rootfs = target;
        }
        return rootfs;
    }

    private static Path blob(String digest) {
        return layout.resolve("blobs").resolve(digest.replace(':', '/'));
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asString()));
        return out;
    }

    private record ProcessResult(int exit, String output) {
    }

    private static ProcessResult exec(List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "exec", ".out");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not end within 120 s:\n"
                    + Files.readString(out, StandardCharsets.UTF_8));
        }
        return new ProcessResult(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        ProcessResult r = exec(command);
        if (r.exit() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + r.exit() + ":\n" + r.output());
        }
    }

    private static String output(List<String> command) throws IOException, InterruptedException {
        return exec(command).output();
    }
}
