package dev.candor.client;

import dev.candor.config.DnsConfig;
import dev.candor.config.HostPort;
import dev.candor.testing.TestDnsServer;
import dev.candor.upstream.DnsAnswer;
import dev.candor.upstream.DnsFailure;
import dev.candor.upstream.DnsSource;
import dev.candor.upstream.DnsTarget;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The resolver against a real DNS server on loopback: answers, TTLs, SRV, and each kind of failure. */
class DnsResolverTest {
    private TestDnsServer dns;
    private EventLoopGroup group;
    private DnsResolver resolver;

    @BeforeEach
    void start() {
        dns = TestDnsServer.start();
        Transport transport = Transport.nio();
        group = transport.newEventLoopGroup(1, "dns-test");
        // Generous for a loaded machine (a cold JVM's first lookup); only the dropped-query test waits it out.
        resolver = new DnsResolver(new DnsConfig(List.of(HostPort.parse(dns.address())), Duration.ofSeconds(2),
                Duration.ofMinutes(5)), group.next(), transport, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        resolver.close();
        group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        dns.close();
    }

    private static <T> T await(Future<T> f) {
        f.awaitUninterruptibly(5, TimeUnit.SECONDS);
        assertThat(f.isDone()).as("lookup finished").isTrue();
        if (!f.isSuccess()) {
            throw new AssertionError("lookup failed: " + f.cause(), f.cause());
        }
        return f.getNow();
    }

    private static DnsFailure failure(Future<DnsAnswer> f) {
        f.awaitUninterruptibly(5, TimeUnit.SECONDS);
        assertThat(f.isDone()).isTrue();
        assertThat(f.cause()).isInstanceOf(DnsResolver.LookupFailed.class);
        return ((DnsResolver.LookupFailed) f.cause()).failure();
    }

    @Test
    void aAndAaaaRecordsMakeOneAnswerWithTheSmallestTtlAndTheServerThatGaveIt() {
        dns.a("api.test", 30, "127.0.0.1", "127.0.0.2").aaaa("api.test", 10, "::1");

        DnsAnswer a = await(resolver.resolve(DnsSource.address("api.test", 8080, 3)));

        assertThat(a.addresses(true)).containsExactlyInAnyOrder("127.0.0.1:8080", "127.0.0.2:8080", "[::1]:8080");
        assertThat(a.targets()).allMatch(t -> t.weight() == 3 && t.priority() == 0 && t.host().equals("api.test"));
        assertThat(a.ttlSeconds()).isEqualTo(10);
        assertThat(a.resolver()).isEqualTo(dns.address());
        assertThat(dns.queries("api.test", DnsRecordType.A)).isEqualTo(1);
        assertThat(dns.queries("api.test", DnsRecordType.AAAA)).isEqualTo(1);
    }

    @Test
    void aNameWithOnlyIpv4RecordsResolvesToThem() {
        dns.a("v4.test", 5, "127.0.0.9");

        DnsAnswer a = await(resolver.resolve(DnsSource.address("v4.test", 80, 1)));

        assertThat(a.addresses(false)).containsExactly("127.0.0.9");
    }

    @Test
    void theHostsFileAnswersFirst() {
        DnsAnswer a = await(resolver.resolve(DnsSource.address("localhost", 80, 1)));

        assertThat(a.addresses(false)).contains("127.0.0.1");
        assertThat(a.resolver()).isEqualTo(DnsAnswer.HOSTS_FILE);
        assertThat(dns.queries()).isEmpty();
    }

    @Test
    void srvTargetsCarryTheirPortPriorityAndWeight() {
        dns.srv("_http._tcp.app.test", 20,
                        new TestDnsServer.Srv(10, 3, 8001, "one.test"),
                        new TestDnsServer.Srv(10, 1, 8002, "two.test"),
                        new TestDnsServer.Srv(20, 0, 8003, "three.test"))
                .a("one.test", 60, "127.0.0.1").a("two.test", 5, "127.0.0.2").a("three.test", 60, "127.0.0.3");

        DnsAnswer a = await(resolver.resolve(DnsSource.srv("_http._tcp.app.test")));

        assertThat(a.targets()).extracting(DnsTarget::host, t -> t.socketAddress().getPort(), DnsTarget::priority,
                        DnsTarget::weight)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("one.test", 8001, 10, 3),
                        org.assertj.core.groups.Tuple.tuple("two.test", 8002, 10, 1),
                        org.assertj.core.groups.Tuple.tuple("three.test", 8003, 20, 1));
        assertThat(a.ttlSeconds()).as("the smallest TTL of the SRV record and its targets").isEqualTo(5);
    }

    @Test
    void aZeroSrvWeightBesideWeightedTargetsGetsTheSmallestShare() {
        dns.srv("_x._tcp.test", 60,
                        new TestDnsServer.Srv(1, 0, 9001, "zero.test"),
                        new TestDnsServer.Srv(1, 5, 9002, "five.test"))
                .a("zero.test", 60, "127.0.0.1").a("five.test", 60, "127.0.0.2");

        DnsAnswer a = await(resolver.resolve(DnsSource.srv("_x._tcp.test")));

        assertThat(a.targets()).extracting(DnsTarget::host, DnsTarget::weight)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("zero.test", 1),
                        org.assertj.core.groups.Tuple.tuple("five.test", 500));
    }

    @Test
    void nxdomainIsADnsErrorWithItsRcodeAndResolver() {
        DnsFailure f = failure(resolver.resolve(DnsSource.address("missing.test", 80, 1)));

        assertThat(f.errorType().token()).isEqualTo("dns_error");
        assertThat(f.rcode()).isEqualTo("NXDOMAIN");
        assertThat(f.resolver()).isEqualTo(dns.address());
        assertThat(f.detail()).isEqualTo("missing.test does not exist (NXDOMAIN from " + dns.address() + ")");
    }

    @Test
    void servfailAndRefusedAreDnsErrorsWithTheirRcodes() {
        dns.rcode("broken.test", DnsResponseCode.SERVFAIL).rcode("closed.test", DnsResponseCode.REFUSED);

        DnsFailure servfail = failure(resolver.resolve(DnsSource.address("broken.test", 80, 1)));
        DnsFailure refused = failure(resolver.resolve(DnsSource.address("closed.test", 80, 1)));

        assertThat(servfail.rcode()).isEqualTo("SERVFAIL");
        assertThat(servfail.timeout()).isFalse();
        assertThat(servfail.resolver()).isEqualTo(dns.address());
        assertThat(refused.rcode()).isEqualTo("REFUSED");
        assertThat(refused.detail()).contains("refused to answer for closed.test", dns.address());
    }

    @Test
    void unansweredQueriesAreADnsTimeoutNamingTheResolver() {
        dns.a("slow.test", 60, "127.0.0.1").drop("slow.test", true);

        DnsFailure f = failure(resolver.resolve(DnsSource.address("slow.test", 80, 1)));

        assertThat(f.timeout()).isTrue();
        assertThat(f.errorType().token()).isEqualTo("dns_timeout");
        assertThat(f.rcode()).isNull();
        assertThat(f.resolver()).isEqualTo(dns.address());
        assertThat(f.detail()).isEqualTo("no answer for slow.test from " + dns.address() + " within 2000 ms");
    }

    @Test
    void aNameWithoutAddressRecordsIsNoerrorWithAnEmptyAnswer() {
        dns.srv("only-srv.test", 60, new TestDnsServer.Srv(1, 1, 80, "x.test"));

        DnsFailure f = failure(resolver.resolve(DnsSource.address("only-srv.test", 80, 1)));

        assertThat(f.rcode()).isEqualTo("NOERROR");
        assertThat(f.detail()).contains("has no A or AAAA record");
    }
}
