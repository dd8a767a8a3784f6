package dev.candor.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link ConfigLoader#loadAdmin}: the admin key alone, read even from a file that is otherwise invalid. */
class LoadAdminTest {
    @TempDir
    Path dir;

    @Test
    void theAdminKeyIsReadWhileTheRestOfTheFileIsBroken() throws Exception {
        Path file = Files.writeString(dir.resolve("candor.yaml"), """
                colour: red
                admin:
                  address: 0.0.0.0:9911
                  token: ${TOKEN:-none}
                routes: [{upstream: nowhere}]
                """);
        AdminConfig admin = ConfigLoader.loadAdmin(file, Map.of("TOKEN", "s3cret")::get);
        assertThat(admin.enabled()).isTrue();
        assertThat(admin.address()).isEqualTo(new HostPort("0.0.0.0", 9911));
        assertThat(admin.token()).isEqualTo("s3cret");
    }

    @Test
    void noAdminKeyMeansTheDefaultAndOffMeansOff() throws Exception {
        Path none = Files.writeString(dir.resolve("a.yaml"), "routes: []\n");
        assertThat(ConfigLoader.loadAdmin(none, k -> null)).isEqualTo(AdminConfig.DEFAULTS);
        Path off = Files.writeString(dir.resolve("b.yaml"), "admin: off\n");
        assertThat(ConfigLoader.loadAdmin(off, k -> null).enabled()).isFalse();
    }

    @Test
    void anInvalidAdminAddressOrBrokenYamlIsLocated() throws Exception {
        Path bad = Files.writeString(dir.resolve("c.yaml"), "admin:\n  address: nowhere\n");
        assertThatThrownBy(() -> ConfigLoader.loadAdmin(bad, k -> null)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(bad + ":2:12: admin.address");
        Path broken = Files.writeString(dir.resolve("d.yaml"), "admin: [\n");
        assertThatThrownBy(() -> ConfigLoader.loadAdmin(broken, k -> null)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(broken + ":");
    }
}
