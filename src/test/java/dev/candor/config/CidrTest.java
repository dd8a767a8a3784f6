package dev.candor.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** CIDR blocks of access rules and trusted proxies: what is inside, and literals only. */
class CidrTest {

    @Test
    void anIpv4BlockHoldsExactlyItsAddresses() {
        Cidr block = Cidr.parse("10.0.4.0/22");
        assertThat(block.contains(Cidr.literal("10.0.4.0"))).isTrue();
        assertThat(block.contains(Cidr.literal("10.0.7.255"))).isTrue();
        assertThat(block.contains(Cidr.literal("10.0.8.0"))).isFalse();
        assertThat(block.contains(Cidr.literal("10.0.3.255"))).isFalse();
        assertThat(block.contains(Cidr.literal("::1"))).as("another family").isFalse();
    }

    @Test
    void anIpv6BlockAndTheWholeSpaceOfEachFamily() {
        assertThat(Cidr.parse("2001:db8::/32").contains(Cidr.literal("2001:db8:ffff::1"))).isTrue();
        assertThat(Cidr.parse("2001:db8::/32").contains(Cidr.literal("2001:db9::1"))).isFalse();
        assertThat(Cidr.parse("::/0").contains(Cidr.literal("fe80::1"))).isTrue();
        assertThat(Cidr.parse("0.0.0.0/0").contains(Cidr.literal("203.0.113.9"))).isTrue();
    }

    @Test
    void aBareAddressIsABlockOfOneAndAnIpv4MappedClientMatchesIpv4Rules() {
        Cidr one = Cidr.parse("192.0.2.1");
        assertThat(one.contains(Cidr.literal("192.0.2.1"))).isTrue();
        assertThat(one.contains(Cidr.literal("192.0.2.2"))).isFalse();
        assertThat(one.contains(Cidr.literal("::ffff:192.0.2.1"))).isTrue();
    }

    @Test
    void namesAreNeverLookedUpAndShortIpv4FormsAreRefused() {
        assertThat(Cidr.literal("localhost")).isNull();
        assertThat(Cidr.literal("10.1")).isNull();
        assertThat(Cidr.literal("[::1]")).hasSize(16);
        assertThatThrownBy(() -> Cidr.parse("example.com/8")).hasMessageContaining("is not an IP address");
        assertThatThrownBy(() -> Cidr.parse("::/129")).hasMessageContaining("0 to 128");
    }
}
