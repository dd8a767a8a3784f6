package dev.candor.it.edge;

import dev.candor.observe.AccessLogEntry;
import dev.candor.testing.Cleanup;
import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.RawHttp;
import dev.candor.testing.RawResponse;
import dev.candor.testing.TestBackend;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SPEC §10 listeners[].proxy_protocol: an L4 balancer's PROXY protocol header (v1 text, v2 binary, written
 * here byte by byte as a balancer sends them) names the client; a connection without a valid header is
 * closed.
 */
class ProxyProtocolTest {
    /** The v2 signature (PROXY protocol spec, section 2.2). */
    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    @AutoClose
    final Cleanup cleanup = new Cleanup();

    private final TestBackend backend = cleanup.add(TestBackend.answering("ok"));
    private final ProxyUnderTest proxy = cleanup.add(ProxyUnderTest.start("""
            listeners:
              - address: 127.0.0.1:0
                proxy_protocol: true
            workers: 1
            limits: { header_read_timeout: 1s }
            routes:
              - name: internal
                match: { path_prefix: /internal/ }
                upstream: app
                access: { deny: [203.0.113.0/24] }
              - name: rest
                upstream: app
            upstreams:
              app:
                endpoints: [{ address: "127.0.0.1:${PORT}" }]
            """, Map.of("PORT", backend.port())));

    @Test
    void aVersion1HeaderNamesTheClientForTheLogAndForwardedFor() {
        try (RawHttp client = proxy.connect()) {
            RawResponse response = client.send("PROXY TCP4 198.51.100.22 127.0.0.1 51000 8080\r\n"
                    + RawHttp.request("GET", "/v1")).read();

            assertThat(response.status()).isEqualTo(200);
            AccessLogEntry entry = proxy.awaitEntry(response);
            assertThat(entry.clientIp()).isEqualTo("198.51.100.22");
            assertThat(backend.awaitRequest().header("X-Forwarded-For")).isEqualTo("198.51.100.22");

            // Every request of the connection keeps that client.
            RawResponse second = client.send(RawHttp.request("GET", "/v1-again")).read();
            assertThat(proxy.awaitEntry(second).clientIp()).isEqualTo("198.51.100.22");
        }
    }

    @Test
    void aClientThatStallsBeforeItsFirstRequestIsLoggedUnderTheHeadersAddress() {
        try (RawHttp client = proxy.connect()) {
            // The header arrives, then half a request head: the 408 is written before any request was read.
            RawResponse response = client.send("PROXY TCP4 198.51.100.23 127.0.0.1 51000 8080\r\n"
                    + "GET /stalled HTTP/1.1\r\nHost: te").read();

            assertThat(response.status()).isEqualTo(408);
            assertThat(proxy.awaitEntry(response).clientIp()).isEqualTo("198.51.100.23");
            assertThat(client.closedByPeer()).isTrue();
        }
    }

    @Test
    void aVersion2HeaderForIpv4AndForIpv6NamesTheClient() throws UnknownHostException {
        try (RawHttp client = proxy.connect()) {
            RawResponse response = client.send(v2("203.0.113.9", "127.0.0.1", 40000, 8080))
                    .send(RawHttp.request("GET", "/internal/x")).read();

            assertThat(response.status()).as("the header's address meets the access rules").isEqualTo(403);
            assertThat(proxy.awaitEntry(response).clientIp()).isEqualTo("203.0.113.9");
        }
        try (RawHttp client = proxy.connect()) {
            RawResponse response = client.send(v2("2001:db8::7", "::1", 40000, 8080))
                    .send(RawHttp.request("GET", "/internal/x")).read();

            assertThat(response.status()).isEqualTo(200);
            assertThat(proxy.awaitEntry(response).clientIp()).isEqualTo("2001:db8:0:0:0:0:0:7");
        }
    }

    @Test
    void aLocalHeaderFromTheBalancersOwnHealthCheckKeepsTheSocketPeer() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(V2_SIGNATURE);
        b.write(0x20); // version 2, LOCAL
        b.write(0x00); // AF_UNSPEC
        b.write(0);
        b.write(0);
        try (RawHttp client = proxy.connect()) {
            RawResponse response = client.send(b.toByteArray()).send(RawHttp.request("GET", "/health")).read();

            assertThat(response.status()).isEqualTo(200);
            assertThat(proxy.awaitEntry(response).clientIp()).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void aConnectionThatStartsWithPlainHttpIsClosedWithoutAnAnswer() {
        try (RawHttp client = proxy.connect()) {
            client.send(RawHttp.request("GET", "/sneaky"));

            await().until(client::closedByPeer);
        }
        assertThat(backend.requestHeads()).isZero();
    }

    @Test
    void aMalformedVersion1HeaderClosesTheConnection() {
        try (RawHttp client = proxy.connect()) {
            client.send("PROXY TCP4 999.1.1.1 127.0.0.1 1 2\r\n" + RawHttp.request("GET", "/"));

            await().until(client::closedByPeer);
        }
        assertThat(backend.requestHeads()).isZero();
    }

    @Test
    void connectionsPerAddressAreCountedByTheHeadersAddress() throws UnknownHostException {
        ProxyUnderTest limited = cleanup.add(ProxyUnderTest.start("""
                listeners:
                  - address: 127.0.0.1:0
                    proxy_protocol: true
                workers: 1
                limits: { max_connections_per_ip: 1 }
                routes: [{ upstream: app }]
                upstreams:
                  app:
                    endpoints: [{ address: "127.0.0.1:${PORT}" }]
                """, Map.of("PORT", backend.port())));
        RawHttp first = cleanup.add(limited.connect());
        assertThat(first.send(v2("198.51.100.1", "127.0.0.1", 1000, 80)).send(RawHttp.request("GET", "/1")).read().status())
                .isEqualTo(200);

        RawHttp sameClient = cleanup.add(limited.connect());
        sameClient.send(v2("198.51.100.1", "127.0.0.1", 1001, 80));
        await().until(sameClient::closedByPeer);

        RawHttp otherClient = cleanup.add(limited.connect());
        assertThat(otherClient.send(v2("198.51.100.2", "127.0.0.1", 1002, 80)).send(RawHttp.request("GET", "/2")).read()
                .status()).as("the balancer's own address is not what counts").isEqualTo(200);
    }

    /** A v2 PROXY header for TCP over IPv4 or IPv6 (section 2.2 of the spec), as an L4 balancer writes it. */
    private static byte[] v2(String source, String destination, int sourcePort, int destinationPort)
            throws UnknownHostException {
        byte[] src = InetAddress.getByName(source).getAddress();
        byte[] dst = InetAddress.getByName(destination).getAddress();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(V2_SIGNATURE);
        b.write(0x21); // version 2, PROXY
        b.write(src.length == 4 ? 0x11 : 0x21); // TCP over IPv4 or IPv6
        int length = src.length * 2 + 4;
        b.write(length >> 8);
        b.write(length & 0xff);
        b.writeBytes(src);
        b.writeBytes(dst);
        b.write(sourcePort >> 8);
        b.write(sourcePort & 0xff);
        b.write(destinationPort >> 8);
        b.write(destinationPort & 0xff);
        return b.toByteArray();
    }
}
