package dev.candor.config;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class EnvSubstitutionTest {

    private static final Map<String, String> ENV = Map.of(
            "HOST", "db.internal",
            "PORT", "5432",
            "EMPTY", "",
            "MAXC", "250",
            "TRICKY", "x\nworkers: 9",
            "COLON", "a: b");

    @Test
    void aSetVariableIsReplaced() {
        assertThat(EnvSubstitution.apply("${HOST}:${PORT}", ENV::get)).isEqualTo("db.internal:5432");
    }

    @Test
    void anUnsetVariableTakesItsDefault() {
        assertThat(EnvSubstitution.apply("${NOPE:-fallback:1}", ENV::get)).isEqualTo("fallback:1");
    }

    @Test
    void anEmptyVariableTakesItsDefaultLikeTheShell() {
        assertThat(EnvSubstitution.apply("${EMPTY:-x}", ENV::get)).isEqualTo("x");
        assertThat(EnvSubstitution.apply("[${EMPTY}]", ENV::get)).isEqualTo("[]");
    }

    @Test
    void anEmptyDefaultIsAllowed() {
        assertThat(EnvSubstitution.apply("${NOPE:-}", ENV::get)).isEmpty();
    }

    @Test
    void doubleDollarBraceIsALiteral() {
        assertThat(EnvSubstitution.apply("$${HOST} costs $5 or $$", ENV::get)).isEqualTo("${HOST} costs $5 or $$");
    }

    @Test
    void substitutedTextIsNotExpandedAgain() {
        assertThat(EnvSubstitution.apply("${NOPE:-$${HOST\\}}", ENV::get)).isEqualTo("$${HOST\\}");
    }

    @Test
    void anUnsetVariableWithoutDefaultIsAnError() {
        assertThatIllegalArgumentException().isThrownBy(() -> EnvSubstitution.apply("${DB_HOST}", ENV::get))
                .withMessage("${DB_HOST} is not set (set it, or write ${DB_HOST:-default})");
    }

    @Test
    void malformedReferencesAreErrors() {
        assertThatIllegalArgumentException().isThrownBy(() -> EnvSubstitution.apply("${HOST", ENV::get))
                .withMessageContaining("no closing '}'");
        assertThatIllegalArgumentException().isThrownBy(() -> EnvSubstitution.apply("${1X}", ENV::get))
                .withMessageContaining("'${1X}' is not a variable reference");
        assertThatIllegalArgumentException().isThrownBy(() -> EnvSubstitution.apply("${}", ENV::get))
                .withMessageContaining("is not a variable reference");
    }

    @Test
    void substitutionWorksInNumericFields() throws Exception {
        CandorConfig config = parse("""
                limits:
                  max_connections: ${MAXC:-100}
                  max_body_size: ${BODY:-1MiB}
                workers: ${WORKERS:-auto}
                routes: [{upstream: app}]
                upstreams:
                  app:
                    endpoints: [{address: "${HOST}:${PORT}", weight: "${WEIGHT:-3}"}]
                    timeouts: {connect: "${CONNECT:-750ms}"}
                """);

        assertThat(config.limits().maxConnections()).isEqualTo(250);
        assertThat(config.limits().maxBodySize()).isEqualTo(1024 * 1024);
        assertThat(config.workers()).isZero();
        UpstreamConfig app = config.upstreams().get("app");
        assertThat(app.endpoints()).containsExactly(new EndpointConfig(new HostPort("db.internal", 5432), 3));
        assertThat(app.timeouts().connect()).isEqualTo(Duration.ofMillis(750));
    }

    @Test
    void aValueWithNewlinesOrColonsCannotChangeTheStructure() throws Exception {
        CandorConfig config = parse("""
                listeners:
                  - name: ${TRICKY}
                    address: 0.0.0.0:8080
                routes: [{name: "${COLON}", upstream: app}]
                upstreams: {app: {endpoints: [{address: "localhost:9000"}]}}
                """);

        assertThat(config.listeners().get(0).name()).isEqualTo("x\nworkers: 9");
        assertThat(config.workers()).isZero();
        assertThat(config.routes().get(0).name()).isEqualTo("a: b");
    }

    @Test
    void anEscapedReferenceReachesTheConfigAsLiteralText() throws Exception {
        CandorConfig config = parse("""
                routes: [{name: "$${HOST}", upstream: app}]
                upstreams: {app: {endpoints: [{address: "localhost:9000"}]}}
                """);

        assertThat(config.routes().get(0).name()).isEqualTo("${HOST}");
    }

    @Test
    void theGoldenFileTakesEndpointsFromTheEnvironmentWhenSet() throws Exception {
        Map<String, String> env = Map.of("WEB_HOST", "10.1.2.3", "WEB_PORT", "8000");

        CandorConfig config = ConfigLoader.parse(ConfigLoaderTest.resource("full.yaml"), "full.yaml", null, env::get);

        assertThat(config.upstreams().get("web").endpoints())
                .containsExactly(new EndpointConfig(new HostPort("10.1.2.3", 8000), 1));
    }

    @Test
    void anUnsetVariableIsReportedAtTheValueThatUsesIt() {
        assertThat(problems("""
                routes: [{upstream: app}]
                upstreams:
                  app:
                    endpoints:
                      - address: ${DB_HOST}:5432
                """)).containsExactly(
                "5:18: upstreams.app.endpoints[0].address: ${DB_HOST} is not set (set it, or write ${DB_HOST:-default})");
    }

    @Test
    void aSubstitutedValueIsStillValidated() {
        assertThat(problems("limits: {max_connections: \"${COLON}\"}\nroutes: [{upstream: app}]\n"
                + "upstreams: {app: {endpoints: [{address: \"localhost:9000\"}]}}\n"))
                .containsExactly("1:27: limits.max_connections: 'a: b' is not a whole number");
    }

    @Test
    void keysAreNeverSubstituted() {
        assertThat(problems("${HOST}: 1\nroutes: [{upstream: app}]\n"
                + "upstreams: {app: {endpoints: [{address: \"localhost:9000\"}]}}\n"))
                .singleElement().asString().startsWith("1:1: unknown key '${HOST}' at the top level");
    }

    private static CandorConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, "test.yaml", null, ENV::get);
    }

    private static java.util.List<String> problems(String yaml) {
        try {
            parse(yaml);
        } catch (ConfigException e) {
            return e.problems().stream().map(p -> p.line() + ":" + p.column() + ": " + p.message()).toList();
        }
        throw new AssertionError("expected the config to be rejected");
    }
}
