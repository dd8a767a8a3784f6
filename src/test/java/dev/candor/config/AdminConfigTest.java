package dev.candor.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.candor.config.ConfigProblemsTest.problems;
import static org.assertj.core.api.Assertions.assertThat;

/** The {@code admin} key: on by default on loopback, {@code off}, an address and an optional token. */
class AdminConfigTest {
    private static final String TAIL = """
            routes: [{upstream: app}]
            upstreams: {app: {endpoints: [{address: "localhost:9000"}]}}
            """;

    @Test
    void withoutTheKeyTheAdminListenerIsOnLoopbackPort9901WithoutToken() throws Exception {
        AdminConfig admin = parse(TAIL, Map.of()).admin();

        assertThat(admin).isEqualTo(AdminConfig.DEFAULTS);
        assertThat(admin.address()).isEqualTo(new HostPort("127.0.0.1", 9901));
        assertThat(admin.token()).isNull();
    }

    @Test
    void offDisablesIt() throws Exception {
        assertThat(parse("admin: off\n" + TAIL, Map.of()).admin()).isEqualTo(AdminConfig.OFF);
    }

    @Test
    void addressAndTokenAreTakenWithTheTokenFromTheEnvironment() throws Exception {
        AdminConfig admin = parse("""
                admin:
                  address: "[::1]:9000"
                  token: ${TOKEN:-}
                """ + TAIL, Map.of("TOKEN", "abc123")).admin();

        assertThat(admin.address()).isEqualTo(new HostPort("::1", 9000));
        assertThat(admin.token()).isEqualTo("abc123");
        assertThat(admin.toString()).doesNotContain("abc123");
    }

    @Test
    void anEmptyTokenMeansNoToken() throws Exception {
        assertThat(parse("admin:\n  token: ${TOKEN:-}\n" + TAIL, Map.of()).admin().token()).isNull();
    }

    @Test
    void mistakesAreLocated() {
        assertThat(problems("admin: on\n" + TAIL)).containsExactly(
                "1:8: admin: expected off or a mapping with 'address' and 'token', found 'on'");
        assertThat(problems("admin:\n  address: nowhere\n" + TAIL)).containsExactly(
                "2:12: admin.address: 'nowhere' is not host:port");
        assertThat(problems("admin:\n  token: \"two words\"\n" + TAIL)).containsExactly(
                "2:10: admin.token: must be printable ASCII without spaces");
        assertThat(problems("admin:\n  port: 9901\n" + TAIL)).containsExactly(
                "2:3: unknown key 'port' in admin (expected one of: address, token)");
    }

    @Test
    void anAdminListenerReachableFromOtherHostsWithoutTokenIsWarnedAbout() throws Exception {
        CandorConfig open = parse("admin:\n  address: 0.0.0.0:9901\n" + TAIL, Map.of());
        CandorConfig guarded = parse("admin:\n  address: 0.0.0.0:9901\n  token: s3cret\n" + TAIL, Map.of());

        assertThat(ConfigWarnings.of(open)).anySatisfy(w -> assertThat(w).contains("admin.token is not set"));
        assertThat(ConfigWarnings.of(guarded)).noneSatisfy(w -> assertThat(w).contains("admin"));
    }

    private static CandorConfig parse(String yaml, Map<String, String> env) throws ConfigException {
        return ConfigLoader.parse(yaml, "test.yaml", null, env::get);
    }
}
