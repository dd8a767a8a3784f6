package dev.candor.it;

import dev.candor.testing.ProxyUnderTest;
import dev.candor.testing.TestBackend;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A listener port another process holds: Candor does not start, and says why and how to find the holder. */
class ListenerBindTest {

    @Test
    void aTakenPortIsReportedWithTheOsReasonAndTheCommandThatShowsWhoHoldsIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             TestBackend backend = TestBackend.answering("unused")) {
            int port = taken.getLocalPort();
            String yaml = """
                    listeners:
                      - name: public
                        address: 127.0.0.1:%d
                    routes:
                      - upstream: app
                    upstreams:
                      app:
                        endpoints:
                          - address: 127.0.0.1:%d
                    """.formatted(port, backend.port());

            assertThatThrownBy(() -> ProxyUnderTest.start(yaml, Map.of()))
                    .isInstanceOf(UncheckedIOException.class)
                    .cause()
                    .hasMessageStartingWith("listener 'public' cannot bind 127.0.0.1:" + port + ": ")
                    .hasMessageContaining("Address already in use")
                    .hasMessageEndingWith("(another process listens there: ss -ltnp 'sport = :" + port + "')");
            assertThat(taken.isBound()).isTrue();
        }
    }
}
