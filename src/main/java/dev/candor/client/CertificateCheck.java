package dev.candor.client;

import io.netty.util.NetUtil;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

import dev.candor.config.CertifiedKey;

/**
 * Verifies an upstream's certificate in two steps that each fail with their own reason: the chain
 * (trusted issuer, validity dates) through the JDK's PKIX trust manager, then the name (RFC 6125 §6.4:
 * DNS names, one leftmost wildcard label; IP addresses against IP entries) against the host the engine
 * was made for — the {@code sni} setting or the endpoint's host. Doing the name check here, rather than
 * through the engine's endpoint identification, is what lets the failure name both the expected name and
 * the certificate's names.
 */
final class CertificateCheck extends X509ExtendedTrustManager {
    private final X509TrustManager chain;
    private final Clock clock;

    CertificateCheck(X509TrustManager chain, Clock clock) {
        this.chain = chain;
        this.clock = clock;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certs, String authType, SSLEngine engine) throws CertificateException {
        check(certs, authType, engine == null ? null : engine.getPeerHost());
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certs, String authType, Socket socket) throws CertificateException {
        check(certs, authType, null);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certs, String authType) throws CertificateException {
        check(certs, authType, null);
    }

    private void check(X509Certificate[] certs, String authType, String host) throws CertificateException {
        if (certs == null || certs.length == 0) {
            throw new UpstreamCertificateException(UpstreamCertificateException.Reason.UNTRUSTED_ISSUER,
                    "the upstream sent no certificate", null);
        }
        X509Certificate leaf = certs[0];
        String subject = leaf.getSubjectX500Principal().getName();
        // Dates first: they are the most common failure and the easiest to act on.
        for (X509Certificate c : certs) {
            try {
                c.checkValidity(java.util.Date.from(clock.instant()));
            } catch (CertificateExpiredException e) {
                throw new UpstreamCertificateException(UpstreamCertificateException.Reason.EXPIRED,
                        "certificate expired: " + who(c, leaf) + " was valid until " + c.getNotAfter().toInstant(), e);
            } catch (CertificateNotYetValidException e) {
                throw new UpstreamCertificateException(UpstreamCertificateException.Reason.NOT_YET_VALID,
                        "certificate not yet valid: " + who(c, leaf) + " is valid from " + c.getNotBefore().toInstant()
                                + " (check the clocks of both machines)", e);
            }
        }
        try {
            chain.checkServerTrusted(certs, authType);
        } catch (CertificateException e) {
            X509Certificate top = certs[certs.length - 1];
            throw new UpstreamCertificateException(UpstreamCertificateException.Reason.UNTRUSTED_ISSUER,
                    "certificate not trusted: " + subject + " chains up to " + top.getIssuerX500Principal().getName()
                            + (top.getIssuerX500Principal().equals(top.getSubjectX500Principal()) ? " (self-signed)" : "")
                            + ", which is not a trusted CA (set tls.ca to the CA that issued it)", e);
        }
        if (host != null && !matches(leaf, host)) {
            List<String> names = CertifiedKey.namesOf(leaf);
            throw new UpstreamCertificateException(UpstreamCertificateException.Reason.NAME_MISMATCH,
                    "certificate name mismatch: expected '" + host + "', the certificate is for "
                            + (names.isEmpty() ? "no name" : String.join(", ", names))
                            + " (set tls.sni to one of its names, or reissue it)", null);
        }
    }

    private static String who(X509Certificate c, X509Certificate leaf) {
        return (c == leaf ? "" : "the chain's ") + c.getSubjectX500Principal().getName();
    }

    /** RFC 6125 §6.4 matching of the expected host against the certificate's names. */
    static boolean matches(X509Certificate leaf, String host) {
        List<String> names = CertifiedKey.namesOf(leaf);
        byte[] ip = NetUtil.createByteArrayFromIpAddressString(host);
        if (ip != null) {
            for (String n : names) {
                byte[] other = NetUtil.createByteArrayFromIpAddressString(n);
                if (other != null && Arrays.equals(ip, other)) {
                    return true;
                }
            }
            return false;
        }
        String h = stripDot(host.toLowerCase(Locale.ROOT));
        for (String n : names) {
            String name = stripDot(n.toLowerCase(Locale.ROOT));
            if (name.equals(h)) {
                return true;
            }
            if (name.startsWith("*.") && name.indexOf('*', 1) < 0) {
                int dot = h.indexOf('.');
                // The wildcard stands for exactly one non-empty leftmost label.
                if (dot > 0 && h.substring(dot + 1).equals(name.substring(2))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String stripDot(String s) {
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certs, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("Candor does not verify clients on upstream connections");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certs, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("Candor does not verify clients on upstream connections");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certs, String authType) throws CertificateException {
        throw new CertificateException("Candor does not verify clients on upstream connections");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return chain.getAcceptedIssuers();
    }
}
