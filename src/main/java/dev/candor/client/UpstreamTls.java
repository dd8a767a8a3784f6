package dev.candor.client;

import dev.candor.config.UpstreamTlsConfig;
import dev.candor.failure.Actor;
import dev.candor.failure.Cause;
import dev.candor.failure.Phase;
import dev.candor.failure.Signal;
import dev.candor.upstream.Endpoint;
import io.netty.channel.Channel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import static java.util.Objects.requireNonNull;

/**
 * TLS to one upstream's endpoints: the client context built once from {@code upstreams.*.tls}, the
 * handler each new connection gets, and the wait for its handshake, whose failure is classified here
 * (certificate reasons come from {@link CertificateCheck}, alerts from {@link TlsRecordWatcher}).
 */
public final class UpstreamTls {
    private final UpstreamTlsConfig config;
    private final SslContext context;

    private UpstreamTls(UpstreamTlsConfig config, SslContext context) {
        this.config = config;
        this.context = context;
    }

    /** Builds the client context. */
    public static UpstreamTls of(UpstreamTlsConfig config, SslProvider provider, Clock clock) {
        requireNonNull(config, "config");
        try {
            SslContextBuilder b = SslContextBuilder.forClient()
                    .sslProvider(provider)
                    .protocols(TlsSupport.protocols(config.minVersion()))
                    .ciphers(TlsSupport.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            ApplicationProtocolNames.HTTP_1_1));
            if (config.verify()) {
                b.trustManager(new CertificateCheck(pkix(config), clock));
            } else {
                b.trustManager(InsecureTrustManagerFactory.INSTANCE);
            }
            if (config.clientCertificate() != null) {
                var c = config.clientCertificate().loaded();
                b.keyManager(c.key(), c.chain().toArray(new X509Certificate[0]));
            }
            return new UpstreamTls(config, b.build());
        } catch (SSLException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS to the upstream: " + e.getMessage(), e);
        }
    }

    /** The JDK's PKIX trust manager over {@code ca}, or over the JVM's trust store. */
    private static X509TrustManager pkix(UpstreamTlsConfig config) throws GeneralSecurityException {
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (config.caCertificates().isEmpty()) {
            f.init((KeyStore) null);
        } else {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            try {
                store.load(null, null);
            } catch (java.io.IOException e) {
                throw new GeneralSecurityException(e);
            }
            int i = 0;
            for (X509Certificate ca : config.caCertificates()) {
                store.setCertificateEntry("ca-" + i++, ca);
            }
            f.init(store);
        }
        for (TrustManager tm : f.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }

    /**
     * The name the handshake is for: {@code sni} when set, else the endpoint's configured host. An IP
     * literal is not sent as SNI (RFC 6066 §3) but is still what the certificate must name.
     */
    String serverName(Endpoint endpoint) {
        return config.sni() != null ? config.sni() : endpoint.address().host();
    }

    /** A handler for a new connection to {@code endpoint}; the watcher goes in front of it. */
    SslHandler newHandler(Channel ch, Endpoint endpoint, long handshakeTimeoutMillis) {
        SslHandler handler = context.newHandler(ch.alloc(), serverName(endpoint), endpoint.address().port());
        handler.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
        return handler;
    }

    /**
     * Completes with the handshake's duration in nanoseconds (or -1 at once when the connection has no
     * TLS), or fails with a {@link TlsHandshakeFailure}.
     */
    static Future<Long> handshake(Channel ch, long connectNanos) {
        Promise<Long> done = ch.eventLoop().newPromise();
        SslHandler ssl = ch.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return done.setSuccess(-1L);
        }
        long start = System.nanoTime();
        ssl.handshakeFuture().addListener(f -> {
            long took = System.nanoTime() - start;
            TlsRecordWatcher watcher = ch.pipeline().get(TlsRecordWatcher.class);
            if (watcher != null) {
                ch.pipeline().remove(watcher);
            }
            if (f.isSuccess()) {
                done.setSuccess(took);
                return;
            }
            Cause cause = classify(f.cause(), watcher, ch.isActive(), took);
            done.setFailure(new TlsHandshakeFailure(cause, connectNanos, took, f.cause()));
        });
        return done;
    }

    /** What a failed handshake means, from the exception's type and what the watcher saw. */
    static Cause classify(Throwable failure, TlsRecordWatcher watcher, boolean stillOpen, long tookNanos) {
        UpstreamCertificateException refused = find(failure, UpstreamCertificateException.class);
        if (refused != null) {
            return new Cause(Phase.TLS, Actor.UPSTREAM, Signal.TLS_CERTIFICATE, refused.getMessage());
        }
        if (failure instanceof SslHandshakeTimeoutException) {
            return new Cause(Phase.TLS, Actor.NETWORK, Signal.TIMED_OUT,
                    "no TLS handshake within " + TimeUnit.NANOSECONDS.toMillis(tookNanos) + "ms");
        }
        byte[] first = watcher == null ? new byte[0] : watcher.firstBytes();
        if (find(failure, NotSslRecordException.class) != null) {
            return new Cause(Phase.TLS, Actor.UPSTREAM, Signal.TLS_HANDSHAKE, notTls(first));
        }
        if (watcher != null && watcher.alert() >= 0) {
            int alert = watcher.alert();
            String what = "the upstream sent TLS alert " + alert + " (" + TlsAlerts.name(alert) + ")";
            if (TlsAlerts.isVersionOrCipherMismatch(alert)) {
                what += ": no TLS version or cipher suite in common (Candor offers TLS 1.2 and 1.3 with"
                        + " ECDHE and AEAD suites only)";
            } else if (alert == 120) {
                what += ": it does not serve http/1.1 over ALPN";
            } else if (alert == 116 || alert == 42 || alert == 48) {
                what += ": it wants a client certificate it trusts (tls.cert and tls.key)";
            } else if (alert == 112) {
                what += ": it has no certificate for the SNI name (tls.sni)";
            }
            return new Cause(Phase.TLS, Actor.UPSTREAM, Signal.TLS_HANDSHAKE, what);
        }
        if (!stillOpen) {
            return new Cause(Phase.TLS, Actor.UPSTREAM, Signal.TLS_HANDSHAKE,
                    "the upstream closed the connection during the TLS handshake"
                            + (first.length == 0 ? " without sending anything (does this port speak TLS?)" : ""));
        }
        return new Cause(Phase.TLS, Actor.UPSTREAM, Signal.TLS_HANDSHAKE,
                FailureClassifier.describe(failure));
    }

    /** Names what came instead of a TLS record: most often an HTTP response from a plain-HTTP port. */
    private static String notTls(byte[] first) {
        String text = new String(first, StandardCharsets.ISO_8859_1);
        if (text.startsWith("HTTP/")) {
            int eol = text.indexOf('\r');
            return "the upstream answered in plain HTTP ('" + (eol > 0 ? text.substring(0, eol) : text)
                    + "'): this port does not speak TLS; remove tls from the upstream or use its HTTPS port";
        }
        return "the upstream answered with bytes that are not TLS (hex " + io.netty.buffer.ByteBufUtil.hexDump(first)
                + "): this port does not speak TLS";
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (int depth = 0; t != null && depth < 10; depth++, t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
