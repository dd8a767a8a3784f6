package dev.candor.client;

import dev.candor.failure.ErrorType;
import dev.candor.failure.Phase;
import dev.candor.testing.TestPki;
import io.netty.buffer.Unpooled;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLHandshakeException;

import static org.assertj.core.api.Assertions.assertThat;

/** How a failed upstream handshake is classified: by exception type and by the records the upstream sent. */
class TlsHandshakeClassificationTest {

    private static TlsRecordWatcher sawBytes(byte[] bytes) {
        TlsRecordWatcher w = new TlsRecordWatcher();
        var buf = Unpooled.wrappedBuffer(bytes);
        w.scan(buf);
        buf.release();
        return w;
    }

    @Test
    void aCertificateVerdictBecomesTlsCertificateErrorWithItsMessage() {
        var verdict = new UpstreamCertificateException(UpstreamCertificateException.Reason.EXPIRED, "certificate expired: X", null);
        var cause = UpstreamTls.classify(new SSLHandshakeException("wrapped").initCause(verdict), null, true, 0);

        assertThat(cause.type()).isEqualTo(ErrorType.TLS_CERTIFICATE_ERROR);
        assertThat(cause.phase()).isEqualTo(Phase.TLS);
        assertThat(cause.error()).isEqualTo("certificate expired: X");
    }

    @Test
    void aHandshakeTimeoutIsAConnectionTimeout() {
        var cause = UpstreamTls.classify(new SslHandshakeTimeoutException("handshake timed out after 2000ms"), null, true,
                2_000_000_000L);

        assertThat(cause.type()).isEqualTo(ErrorType.CONNECTION_TIMEOUT);
        assertThat(cause.error()).isEqualTo("no TLS handshake within 2000ms");
    }

    @Test
    void anAlertSentInTheClearIsNamedEvenWhenItArrivesSplitAcrossReads() {
        TlsRecordWatcher w = new TlsRecordWatcher();
        // A handshake record of 3 bytes, then an alert record split in two reads: fatal, handshake_failure.
        var first = Unpooled.wrappedBuffer(new byte[]{22, 3, 3, 0, 3, 1, 2, 3, 21, 3});
        var second = Unpooled.wrappedBuffer(new byte[]{3, 0, 2, 2, 40});
        w.scan(first);
        w.scan(second);
        first.release();
        second.release();

        var cause = UpstreamTls.classify(new SSLHandshakeException("Received fatal alert"), w, false, 0);

        assertThat(w.alert()).isEqualTo(40);
        assertThat(w.alertLevel()).isEqualTo(2);
        assertThat(cause.type()).isEqualTo(ErrorType.TLS_PROTOCOL_ERROR);
        assertThat(cause.error()).startsWith("the upstream sent TLS alert 40 (handshake_failure): no TLS version or cipher");
    }

    @Test
    void anAlertAskingForAClientCertificateSaysSo() {
        var cause = UpstreamTls.classify(new SSLHandshakeException("x"), sawBytes(new byte[]{21, 3, 3, 0, 2, 2, 116}), true, 0);

        assertThat(cause.error()).isEqualTo("the upstream sent TLS alert 116 (certificate_required): it wants a client"
                + " certificate it trusts (tls.cert and tls.key)");
    }

    @Test
    void bytesThatAreNotTlsAreQuoted() {
        byte[] http = "HTTP/1.0 400 Bad Request\r\n".getBytes(StandardCharsets.US_ASCII);
        var plain = UpstreamTls.classify(new NotSslRecordException("not an SSL/TLS record"), sawBytes(http), true, 0);
        var other = UpstreamTls.classify(new NotSslRecordException("x"), sawBytes(new byte[]{0, 1, 2, 3, 4, 5}), true, 0);

        assertThat(plain.error()).startsWith("the upstream answered in plain HTTP ('HTTP/1.0 400 Bad Request')");
        assertThat(other.error()).startsWith("the upstream answered with bytes that are not TLS (hex 000102030405)");
        assertThat(other.type()).isEqualTo(ErrorType.TLS_PROTOCOL_ERROR);
    }

    @Test
    void aCloseDuringTheHandshakeAsksWhetherThePortSpeaksTls() {
        var cause = UpstreamTls.classify(new ClosedChannelException(), sawBytes(new byte[0]), false, 0);

        assertThat(cause.type()).isEqualTo(ErrorType.TLS_PROTOCOL_ERROR);
        assertThat(cause.error()).isEqualTo("the upstream closed the connection during the TLS handshake without sending"
                + " anything (does this port speak TLS?)");
    }

    @Test
    void namesMatchExactlyOrByOneLeftmostWildcardLabelAndAddressesOnlyAddresses(@TempDir Path dir) {
        TestPki ca = TestPki.newCa(dir, "Names CA");
        X509Certificate cert = ca.issue("api.example.test", "*.svc.example.test", "10.0.0.5", "::1").write("names").certificate();

        assertThat(CertificateCheck.matches(cert, "api.example.test")).isTrue();
        assertThat(CertificateCheck.matches(cert, "API.Example.Test.")).as("case and a trailing dot").isTrue();
        assertThat(CertificateCheck.matches(cert, "one.svc.example.test")).isTrue();
        assertThat(CertificateCheck.matches(cert, "two.one.svc.example.test")).as("one label only").isFalse();
        assertThat(CertificateCheck.matches(cert, "svc.example.test")).as("the wildcard needs a label").isFalse();
        assertThat(CertificateCheck.matches(cert, "10.0.0.5")).isTrue();
        assertThat(CertificateCheck.matches(cert, "0:0:0:0:0:0:0:1")).as("IPv6 in another spelling").isTrue();
        assertThat(CertificateCheck.matches(cert, "10.0.0.6")).isFalse();
        assertThat(CertificateCheck.matches(cert, "example.test")).isFalse();
    }
}
