package dev.candor.client;

import dev.candor.config.BalancerConfig;
import dev.candor.config.EndpointConfig;
import dev.candor.config.HostPort;
import dev.candor.config.PoolConfig;
import dev.candor.config.TimeoutsConfig;
import dev.candor.config.UpstreamConfig;
import dev.candor.config.UpstreamTlsConfig;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A reload keeps the TLS context of an upstream whose tls did not change, and replaces a changed one. */
class UpstreamTlsContextsTest {

    private static UpstreamConfig upstream(String name, UpstreamTlsConfig tls) {
        UpstreamConfig base = new UpstreamConfig(name, List.of(new EndpointConfig(HostPort.parse("127.0.0.1:443"), 1)),
                BalancerConfig.ROUND_ROBIN, TimeoutsConfig.DEFAULTS, PoolConfig.DEFAULTS);
        return new UpstreamConfig(base.name(), base.endpoints(), base.balancer(), base.timeouts(), base.pool(),
                base.healthCheck(), base.outlierDetection(), base.retries(), base.whenAllUnhealthy(), base.dns(), tls);
    }

    @Test
    void unchangedTlsKeepsItsContextAndAChangedOneGetsANewOne() {
        UpstreamTlsConfig verified = new UpstreamTlsConfig(true, "api.internal", null, List.of(), null, "TLSv1.2");
        UpstreamTlsConfig otherName = new UpstreamTlsConfig(true, "api2.internal", null, List.of(), null, "TLSv1.2");
        UpstreamTlsContexts contexts = UpstreamTlsContexts.of(List.of(upstream("a", verified), upstream("b", verified)),
                Clock.systemUTC());
        UpstreamTls a = contexts.forUpstream("a");
        UpstreamTls b = contexts.forUpstream("b");
        assertThat(a).isNotNull().isNotSameAs(b);

        contexts.update(List.of(upstream("a", verified), upstream("b", otherName), upstream("c", null)));

        assertThat(contexts.forUpstream("a")).isSameAs(a);
        assertThat(contexts.forUpstream("b")).isNotNull().isNotSameAs(b);
        assertThat(contexts.forUpstream("c")).isNull();

        contexts.update(List.of(upstream("b", null)));
        assertThat(contexts.forUpstream("a")).as("removed").isNull();
        assertThat(contexts.forUpstream("b")).as("plain now").isNull();
    }
}
