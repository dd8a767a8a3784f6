package dev.candor.upstream;

import dev.candor.config.HostPort;
import dev.candor.failure.ErrorType;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What the per-address outcomes of one name are taken to mean. */
class DnsProvenanceUnitTest {
    final FakeTime time = new FakeTime();
    final DnsSource source = DnsSource.address("api.test", 80, 1);

    private Endpoint endpoint(String ip, int requests, int refused) throws Exception {
        EndpointHealth h = time.endpoint(null);
        for (int i = 0; i < requests; i++) {
            h.requestStarted();
            h.requestFinished();
        }
        for (int i = 0; i < refused; i++) {
            h.recordError(ErrorType.CONNECTION_REFUSED);
        }
        InetSocketAddress a = new InetSocketAddress(InetAddress.getByName(ip), 80);
        return new Endpoint("app", new HostPort("api.test", 80), a, 1, 0, source, h);
    }

    @Test
    void refusedOnIpv6WhileIpv4WorksMeansTheBackendListensOnIpv4Only() throws Exception {
        List<Endpoint> endpoints = List.of(endpoint("::1", 4, 4), endpoint("127.0.0.1", 4, 0));

        assertThat(DnsProvenance.perAddress(endpoints)).isEqualTo("[::1]:80 connection_refused 100 %, 127.0.0.1:80 healthy");
        assertThat(DnsProvenance.conclusion(source, endpoints)).startsWith("the backend listens on IPv4 only");
    }

    @Test
    void theReverseIsAnIpv6OnlyBackend() throws Exception {
        List<Endpoint> endpoints = List.of(endpoint("::1", 4, 0), endpoint("127.0.0.1", 4, 3));

        assertThat(DnsProvenance.conclusion(source, endpoints)).startsWith("the backend listens on IPv6 only");
    }

    @Test
    void oneFailingAddressOfSeveralOfOneFamilyPointsAtThatHost() throws Exception {
        List<Endpoint> endpoints = List.of(endpoint("10.0.0.1", 10, 9), endpoint("10.0.0.2", 10, 0), endpoint("10.0.0.3", 10, 1));

        assertThat(DnsProvenance.conclusion(source, endpoints))
                .isEqualTo("1 of 3 addresses of api.test fail while the others work: look at those hosts, not at the name");
    }

    @Test
    void allFailingOrAllWorkingSaysNothingAboutAddresses() throws Exception {
        assertThat(DnsProvenance.conclusion(source, List.of(endpoint("10.0.0.1", 2, 2), endpoint("::1", 2, 2)))).isNull();
        assertThat(DnsProvenance.conclusion(source, List.of(endpoint("10.0.0.1", 2, 0), endpoint("::1", 2, 0)))).isNull();
    }

    @Test
    void ipv6AddressesAreWrittenInTheirShortestForm() throws Exception {
        assertThat(Endpoint.ipText(InetAddress.getByName("0:0:0:0:0:0:0:1"))).isEqualTo("::1");
        assertThat(Endpoint.ipText(InetAddress.getByName("fd00:0:0:0:0:0:0:2"))).isEqualTo("fd00::2");
        assertThat(Endpoint.ipText(InetAddress.getByName("2001:db8:0:1:0:0:0:1"))).isEqualTo("2001:db8:0:1::1");
        assertThat(Endpoint.ipText(InetAddress.getByName("2001:db8:0:0:1:0:0:1"))).isEqualTo("2001:db8::1:0:0:1");
        assertThat(Endpoint.ipText(InetAddress.getByName("::"))).isEqualTo("::");
        assertThat(Endpoint.ipText(InetAddress.getByName("2001:db8:1:2:3:4:5:6"))).isEqualTo("2001:db8:1:2:3:4:5:6");
        assertThat(Endpoint.ipText(InetAddress.getByName("10.1.2.3"))).isEqualTo("10.1.2.3");
    }
}
