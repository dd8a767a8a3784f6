package dev.candor.failure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ConfirmCommandTest {
    private static final String ADDRESS = "10.0.0.11:8080";

    @ParameterizedTest
    @EnumSource(value = ErrorType.class, names = {"CONNECTION_REFUSED", "CONNECTION_TIMEOUT", "DESTINATION_IP_UNROUTABLE"})
    void aConnectFailureIsConfirmedWithABareCurlToTheEndpointAddress(ErrorType type) {
        String command = ConfirmCommand.forFailure(type, "POST", "api.example.com", "/v1/items?id=3", ADDRESS);

        assertThat(command).isEqualTo("curl -sv -g -o /dev/null --connect-timeout 5 'http://10.0.0.11:8080/'");
    }

    @ParameterizedTest
    @EnumSource(value = ErrorType.class, names = {"CONNECTION_TERMINATED", "CONNECTION_READ_TIMEOUT",
            "HTTP_RESPONSE_TIMEOUT", "HTTP_RESPONSE_INCOMPLETE", "HTTP_RESPONSE_HEADER_SECTION_SIZE", "HTTP_PROTOCOL_ERROR"})
    void aMidExchangeFailureReplaysTheRequestThroughConnectTo(ErrorType type) {
        String command = ConfirmCommand.forFailure(type, "GET", "api.example.com", "/v1/items?id=3", ADDRESS);

        assertThat(command).isEqualTo("curl -sv -g -o /dev/null --connect-to 'api.example.com:80:10.0.0.11:8080'"
                + " 'http://api.example.com/v1/items?id=3'");
    }

    @Test
    void aHostHeaderWithAPortKeepsThatPortInBothConnectToAndTheUrl() {
        String command = ConfirmCommand.forFailure(ErrorType.CONNECTION_TERMINATED, "GET", "api.example.com:8443",
                "/x", ADDRESS);

        assertThat(command).isEqualTo("curl -sv -g -o /dev/null --connect-to 'api.example.com:8443:10.0.0.11:8080'"
                + " 'http://api.example.com:8443/x'");
    }

    @Test
    void anIpv6HostHeaderIsSplitAtTheBracket() {
        String command = ConfirmCommand.forFailure(ErrorType.CONNECTION_TERMINATED, "GET", "[::1]:8443", "/x", ADDRESS);

        assertThat(command).contains("--connect-to '[::1]:8443:10.0.0.11:8080'").endsWith(" 'http://[::1]:8443/x'");
    }

    @Test
    void aHeadRequestIsReplayedWithDashCapitalI() {
        String command = ConfirmCommand.forFailure(ErrorType.HTTP_RESPONSE_TIMEOUT, "HEAD", "h", "/", ADDRESS);

        assertThat(command).isEqualTo("curl -sv -g -o /dev/null -I --connect-to 'h:80:10.0.0.11:8080' 'http://h/'");
    }

    @Test
    void aPostIsReplayedWithDashX() {
        String command = ConfirmCommand.forFailure(ErrorType.CONNECTION_TERMINATED, "POST", "h", "/orders", ADDRESS);

        assertThat(command).isEqualTo("curl -sv -g -o /dev/null -X 'POST' --connect-to 'h:80:10.0.0.11:8080'"
                + " 'http://h/orders'");
    }

    @Test
    void withoutAHostHeaderTheUrlNamesTheEndpointItself() {
        String command = ConfirmCommand.forFailure(ErrorType.HTTP_PROTOCOL_ERROR, "GET", null, "/status", ADDRESS);

        assertThat(command).isEqualTo("curl -sv -g -o /dev/null 'http://10.0.0.11:8080/status'");
    }

    @Test
    void aUriThatIsNotOriginFormFallsBackToTheRootPath() {
        assertThat(ConfirmCommand.forFailure(ErrorType.CONNECTION_TERMINATED, "OPTIONS", "h", "*", ADDRESS))
                .endsWith(" 'http://h/'");
        assertThat(ConfirmCommand.forFailure(ErrorType.CONNECTION_TERMINATED, "GET", "h", null, ADDRESS))
                .endsWith(" 'http://h/'");
    }

    @Test
    void dnsAndTlsFailuresGetDigAndOpensslForTheEndpoint() {
        assertThat(ConfirmCommand.forFailure(ErrorType.DNS_ERROR, "GET", "h", "/", "api.internal:8080"))
                .isEqualTo("dig 'api.internal'");
        assertThat(ConfirmCommand.forFailure(ErrorType.DNS_TIMEOUT, "GET", "h", "/", "api.internal:8080"))
                .isEqualTo("dig 'api.internal'");
        assertThat(ConfirmCommand.forFailure(ErrorType.TLS_PROTOCOL_ERROR, "GET", "h", "/", "api.internal:8443"))
                .isEqualTo("openssl s_client -connect 'api.internal:8443' </dev/null");
    }

    @ParameterizedTest
    @EnumSource(value = ErrorType.class, names = {"DESTINATION_NOT_FOUND", "DESTINATION_UNAVAILABLE",
            "CONNECTION_LIMIT_REACHED", "HTTP_REQUEST_ERROR", "HTTP_REQUEST_DENIED", "PROXY_INTERNAL_ERROR"})
    void failuresNoDirectRequestCanReproduceHaveNoCommand(ErrorType type) {
        assertThat(ConfirmCommand.forFailure(type, "GET", "h", "/", ADDRESS)).isNull();
    }

    @ParameterizedTest
    @EnumSource(ErrorType.class)
    void withoutAnEndpointAddressThereIsNeverACommand(ErrorType type) {
        assertThat(ConfirmCommand.forFailure(type, "GET", "h", "/", null)).isNull();
    }

    @Test
    void aWebSocketHandshakeToAnEndpointCarriesTheUpgradeHeadersThroughConnectTo() {
        assertThat(ConfirmCommand.websocket("chat.example.com", "/ws?room=1", ADDRESS, null))
                .isEqualTo("curl " + ConfirmCommand.WEBSOCKET_UPGRADE + " --connect-to 'chat.example.com:80:10.0.0.11:8080'"
                        + " 'http://chat.example.com/ws?room=1'");
    }

    @Test
    void aWebSocketUrlIsWrittenForCurlAsHttpOrHttps() {
        assertThat(ConfirmCommand.websocket("ws://127.0.0.1:8080/chat"))
                .isEqualTo("curl " + ConfirmCommand.WEBSOCKET_UPGRADE + " 'http://127.0.0.1:8080/chat'");
        assertThat(ConfirmCommand.websocket("wss://chat.example.com/chat"))
                .isEqualTo("curl " + ConfirmCommand.WEBSOCKET_UPGRADE + " 'https://chat.example.com/chat'");
    }

    @Test
    void aHostileUriReachesCurlAsOneLiteralArgument() throws Exception {
        String uri = "/a'b$(touch /tmp/candor-pwned)`id`;x=\"y\"&z=$HOME\\n";
        String command = ConfirmCommand.forFailure(ErrorType.CONNECTION_TERMINATED, "DELETE", "h'$(id):81", uri,
                ADDRESS);

        assertThat(curlArguments(command)).containsExactly("-sv", "-g", "-o", "/dev/null", "-X", "DELETE",
                "--connect-to", "h'$(id):81:10.0.0.11:8080", "http://h'$(id):81" + uri);
    }

    @Test
    void aHostileMethodReachesCurlAsOneLiteralArgument() throws Exception {
        String command = ConfirmCommand.forFailure(ErrorType.CONNECTION_TERMINATED, "X';id;'", "h", "/", ADDRESS);

        assertThat(curlArguments(command)).containsSequence("-X", "X';id;'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "plain", "'", "''", "a'b", "$(id)", "`id`", "\\", "\"", "!", "a b\tc", "*", "~"})
    void quotingSurvivesTheShellUnchanged(String s) throws Exception {
        assertThat(shellWords("printf '%s\\n' " + ConfirmCommand.quote(s))).containsExactly(s);
    }

    /**
     * curl globs {@code []} and {@code {}} in URLs, so a query like {@code filter[name]=x} fails with
     * "bad range" and {@code {a,b}} sends two requests: the replay is not the same request without -g.
     */
    @Test
    void aUriWithBracketsOrBracesIsNotGlobbedByCurl() throws Exception {
        String command = ConfirmCommand.forFailure(ErrorType.CONNECTION_TERMINATED, "GET", "h",
                "/items?filter[name]=x&f={a,b}", ADDRESS);

        assertThat(curlArguments(command)).containsAnyOf("-g", "--globoff");
    }

    /** The arguments the shell would give curl, found by running the command with printf in curl's place. */
    private static List<String> curlArguments(String command) throws Exception {
        assertThat(command).startsWith("curl ");
        return shellWords("printf '%s\\n' " + command.substring("curl ".length()));
    }

    private static List<String> shellWords(String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("/bin/sh", "-c", script).redirectErrorStream(true).start();
        try {
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("sh finished").isTrue();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as("sh exit status, output: %s", out).isZero();
            return out.lines().toList();
        } finally {
            p.destroyForcibly();
        }
    }
}
