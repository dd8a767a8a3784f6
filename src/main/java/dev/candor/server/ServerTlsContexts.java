package dev.candor.server;

import dev.candor.client.TlsSupport;
import dev.candor.config.CertifiedKey;
import dev.candor.config.ListenerTlsConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;

import java.security.cert.X509Certificate;

import javax.net.ssl.SSLException;

/** Builds the server context of one certificate: TLS 1.2+ only, modern suites, ALPN http/1.1. */
final class ServerTlsContexts {
    /** Sessions kept for resumption per context (TLS 1.2 session ids; TLS 1.3 uses tickets). */
    private static final long SESSION_CACHE_SIZE = 20_000;
    private static final long SESSION_TIMEOUT_SECONDS = 300;

    private ServerTlsContexts() {
    }

    static SslContext forCertificate(CertifiedKey certificate, ListenerTlsConfig config, SslProvider provider) {
        try {
            // ALPN: http/1.1 is the only protocol served until HTTP/2 lands; an h2 entry in
            // tls.protocols is accepted and will be offered then. A client offering only h2 still
            // completes the handshake (no_advertise) and is answered in HTTP/1.1.
            return SslContextBuilder.forServer(certificate.key(), certificate.chain().toArray(new X509Certificate[0]))
                    .sslProvider(provider)
                    .protocols(TlsSupport.protocols(config.minVersion()))
                    .ciphers(TlsSupport.ciphers(), SupportedCipherSuiteFilter.INSTANCE)
                    .sessionCacheSize(SESSION_CACHE_SIZE)
                    .sessionTimeout(SESSION_TIMEOUT_SECONDS)
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            ApplicationProtocolNames.HTTP_1_1))
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot use the certificate " + certificate.subject() + ": " + e.getMessage(), e);
        }
    }
}
