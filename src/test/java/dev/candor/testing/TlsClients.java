package dev.candor.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/** Real TLS clients (the JDK's) for end-to-end tests of TLS termination. */
public final class TlsClients {
    private TlsClients() {
    }

    /** A client context that trusts only {@code ca}. */
    public static SSLContext trusting(X509Certificate ca) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            store.setCertificateEntry("ca", ca);
            TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            f.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, f.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Connects and completes the handshake, sending {@code sni} (none when null) and verifying the
     * certificate against that name when there is one.
     */
    public static SSLSocket connect(InetSocketAddress address, SSLContext context, String sni) {
        try {
            SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
            socket.connect(address, 5_000);
            socket.setSoTimeout(5_000);
            SSLParameters p = socket.getSSLParameters();
            if (sni != null) {
                p.setServerNames(List.of(new SNIHostName(sni)));
                p.setEndpointIdentificationAlgorithm("HTTPS");
            } else {
                p.setServerNames(List.of());
            }
            socket.setSSLParameters(p);
            socket.startHandshake();
            return socket;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The certificate the server presented on {@code socket}. */
    public static X509Certificate peer(SSLSocket socket) {
        try {
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
