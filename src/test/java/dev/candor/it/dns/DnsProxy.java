package dev.candor.it.dns;

import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.TestDnsServer;

import java.util.Map;

/** A proxy whose only resolver is the test's DNS server, with one route to upstream "app". */
final class DnsProxy {
    private DnsProxy() {
    }

    /**
     * @param dnsYaml extra keys of the top-level {@code dns} block (indented by 2), e.g. {@code stale_for: 1m}
     * @param upstreamYaml the body of upstream "app" (indented by 4)
     */
    static ProxyUnderTest start(TestDnsServer dns, String dnsYaml, String upstreamYaml) {
        String yaml = """
                listeners:
                  - address: 127.0.0.1:0
                workers: 2
                dns:
                  resolvers: ["${DNS}"]
                  timeout: 300ms
                %s
                routes:
                  - name: all
                    upstream: app
                upstreams:
                  app:
                %s
                """.formatted(dnsYaml.indent(2).stripTrailing(), upstreamYaml.indent(4).stripTrailing());
        return ProxyUnderTest.start(yaml, Map.of("DNS", dns.address()));
    }
}
