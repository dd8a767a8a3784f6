package dev.candor.upstream;

import dev.candor.config.BalancerConfig;
import dev.candor.config.EndpointConfig;
import dev.candor.config.HostPort;
import dev.candor.config.OutlierConfig;
import dev.candor.config.PoolConfig;
import dev.candor.config.RetryConfig;
import dev.candor.config.TimeoutsConfig;
import dev.candor.config.UpstreamConfig;
import dev.candor.config.UpstreamDnsConfig;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** How DNS answers become an upstream's endpoints: identity kept, removals retired, listeners told, SRV tiers. */
class UpstreamMembershipTest {
    final FakeTime time = new FakeTime();

    private Upstream upstream(List<EndpointConfig> endpoints, String srv) {
        UpstreamConfig config = new UpstreamConfig("app", endpoints, BalancerConfig.ROUND_ROBIN, TimeoutsConfig.DEFAULTS,
                PoolConfig.DEFAULTS, null, OutlierConfig.DEFAULTS, RetryConfig.DEFAULTS,
                UpstreamConfig.AllUnhealthy.FAIL, new UpstreamDnsConfig(Duration.ofSeconds(30), srv));
        return Upstream.of(config, new Random(1)::nextLong, time::nanos, time.wall());
    }

    private static DnsTarget target(String host, String ip, int port, int weight, int priority) throws Exception {
        return new DnsTarget(host, InetAddress.getByName(ip), port, weight, priority);
    }

    private static DnsAnswer answer(String name, DnsTarget... targets) {
        return new DnsAnswer(name, List.of(targets), FakeTime.START, 30, "127.0.0.1:53");
    }

    @Test
    void literalAddressesAreFixedAndNamesStartWithoutEndpoints() {
        Upstream u = upstream(List.of(new EndpointConfig(HostPort.parse("10.0.0.1:80"), 1),
                new EndpointConfig(HostPort.parse("api.test:80"), 2)), null);

        assertThat(u.endpoints()).extracting(Endpoint::label).containsExactly("10.0.0.1:80");
        assertThat(u.dnsSources()).extracting(DnsSource::describe).containsExactly("api.test:80");
        assertThat(u.dnsFailure()).as("the upstream has an endpoint").isNull();
    }

    @Test
    void anAnswerAddsEndpointsKeepsTheUnchangedOnesAndRetiresTheRemoved() throws Exception {
        Upstream u = upstream(List.of(new EndpointConfig(HostPort.parse("api.test:80"), 2)), null);
        DnsSource name = u.dnsSources().get(0);
        List<String> events = new ArrayList<>();
        u.addListener((up, added, removed) -> events.add(
                "+" + added.stream().map(Endpoint::label).toList() + " -" + removed.stream().map(Endpoint::label).toList()));

        name.answered(answer("api.test", target("api.test", "10.0.0.1", 80, 2, 0), target("api.test", "10.0.0.2", 80, 2, 0)));
        assertThat(u.refreshMembers()).isTrue();
        Endpoint kept = u.endpoints().get(1);
        Endpoint removed = u.endpoints().get(0);
        assertThat(kept.describe()).isEqualTo("10.0.0.2:80 (api.test:80)");
        assertThat(kept.weight()).isEqualTo(2);
        assertThat(kept.source()).isSameAs(name);

        name.answered(answer("api.test", target("api.test", "10.0.0.2", 80, 2, 0), target("api.test", "10.0.0.3", 80, 2, 0)));
        assertThat(u.refreshMembers()).isTrue();
        assertThat(u.refreshMembers()).as("nothing new").isFalse();

        assertThat(u.endpoints()).extracting(Endpoint::label).containsExactly("10.0.0.2:80", "10.0.0.3:80");
        assertThat(u.endpoints().get(0)).isSameAs(kept);
        assertThat(removed.isRetired()).isTrue();
        assertThat(kept.isRetired()).isFalse();
        assertThat(events).containsExactly("+[10.0.0.1:80, 10.0.0.2:80] -[]", "+[10.0.0.3:80] -[10.0.0.1:80]");
    }

    @Test
    void theMostPreferredSrvPriorityTakesTheTrafficWhileItHasAUsableEndpoint() throws Exception {
        Upstream u = upstream(List.of(), "_http._tcp.app.test");
        DnsSource srv = u.dnsSources().get(0);
        srv.answered(answer("_http._tcp.app.test", target("a.test", "10.0.0.1", 81, 1, 10),
                target("b.test", "10.0.0.2", 82, 1, 10), target("c.test", "10.0.0.3", 83, 1, 20)));
        u.refreshMembers();

        List<String> picks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            picks.add(u.pick().label());
        }
        assertThat(picks).containsOnly("10.0.0.1:81", "10.0.0.2:82");

        u.endpoints().get(0).health().drain(true);
        u.endpoints().get(1).health().drain(true);
        assertThat(u.pick().label()).isEqualTo("10.0.0.3:83");
        assertThat(u.select(List.of(u.endpoints().get(2)), null)).as("tried already, and no other tier").isNull();
    }

    @Test
    void anUpstreamWhoseNamesHaveNoAnswerReportsTheDnsFailure() {
        Upstream u = upstream(List.of(new EndpointConfig(HostPort.parse("api.test:80"), 1)), null);

        assertThat(u.dnsFailure()).as("before the first lookup finished").satisfies(f -> {
            assertThat(f.timeout()).isTrue();
            assertThat(f.detail()).isEqualTo("api.test:80: the first lookup has not finished yet");
        });

        DnsFailure nx = new DnsFailure("api.test", false, "NXDOMAIN", "127.0.0.1:53", "api.test does not exist", time.now());
        u.dnsSources().get(0).failed(nx, time.now(), Duration.ofMinutes(5));
        u.dnsSources().get(0).settle();
        assertThat(u.dnsFailure()).isSameAs(nx);
        assertThat(u.unavailableReasons()).isEqualTo("upstream 'app' has no endpoints: api.test:80 api.test does not exist");
    }
}
