package dev.candor.proxy;

import dev.candor.config.Cidr;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which X-Forwarded-For hop is believed to be the client, given the trusted proxies. */
class ForwardedForTest {
    private static final List<Cidr> TRUSTED = List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("fd00::/8"));

    private static HttpHeaders xff(String... values) {
        HttpHeaders h = new DefaultHttpHeaders();
        for (String v : values) {
            h.add("X-Forwarded-For", v);
        }
        return h;
    }

    @Test
    void withoutTrustedProxiesThePeerIsTheClient() {
        assertThat(ForwardedFor.client("10.0.0.1", xff("192.0.2.1"), List.of())).isEqualTo("10.0.0.1");
    }

    @Test
    void anUntrustedPeerIsTheClientWhateverItSays() {
        assertThat(ForwardedFor.client("198.51.100.1", xff("10.0.0.9, 192.0.2.1"), TRUSTED)).isEqualTo("198.51.100.1");
    }

    @Test
    void theChainIsReadFromTheRightAcrossRepeatedHeaderLinesToTheFirstUntrustedHop() {
        assertThat(ForwardedFor.client("10.0.0.1", xff("203.0.113.1, 192.0.2.7", "10.2.2.2"), TRUSTED))
                .isEqualTo("192.0.2.7");
        assertThat(ForwardedFor.client("fd00::1", xff("2001:db8::5, fd00::2"), TRUSTED)).isEqualTo("2001:db8::5");
    }

    @Test
    void portsAndBracketsAreDroppedAndAnAllTrustedChainEndsAtItsLeftmostHop() {
        assertThat(ForwardedFor.client("10.0.0.1", xff("192.0.2.7:5555"), TRUSTED)).isEqualTo("192.0.2.7");
        assertThat(ForwardedFor.client("10.0.0.1", xff("[2001:db8::9]:443"), TRUSTED)).isEqualTo("2001:db8::9");
        assertThat(ForwardedFor.client("10.0.0.1", xff("10.3.3.3, 10.4.4.4"), TRUSTED)).isEqualTo("10.3.3.3");
    }

    @Test
    void aHopThatIsNotAnAddressEndsTheWalkAtTheTrustedHopThatReportedIt() {
        assertThat(ForwardedFor.client("10.0.0.1", xff("unknown, 10.5.5.5"), TRUSTED)).isEqualTo("10.5.5.5");
        assertThat(ForwardedFor.client("10.0.0.1", xff("evil.example"), TRUSTED)).isEqualTo("10.0.0.1");
        assertThat(ForwardedFor.client("10.0.0.1", new DefaultHttpHeaders(), TRUSTED)).isEqualTo("10.0.0.1");
    }
}
