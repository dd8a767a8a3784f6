package dev.candor.client;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;

import java.util.List;

/**
 * What both TLS sides share: the TLS library (BoringSSL through netty-tcnative when it loads, the JDK's
 * otherwise, or as {@code -Dcandor.tls.provider=jdk|openssl} says), the versions and the cipher suites.
 */
public final class TlsSupport {
    /**
     * TLS 1.3 suites, then TLS 1.2 ECDHE suites with AEAD ciphers only (forward secrecy, no CBC, no RSA
     * key exchange): what current browser and server guidance keeps. Names the provider lacks are dropped.
     */
    static final List<String> CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private TlsSupport() {
    }

    /** The TLS library to use in this process. */
    public static SslProvider provider() {
        String wanted = System.getProperty("candor.tls.provider", "");
        if (wanted.equalsIgnoreCase("jdk")) {
            return SslProvider.JDK;
        }
        if (wanted.equalsIgnoreCase("openssl") || OpenSsl.isAvailable()) {
            return SslProvider.OPENSSL;
        }
        return SslProvider.JDK;
    }

    /** "BoringSSL (netty-tcnative)" or "JDK": for the start-up log. */
    public static String describe(SslProvider provider) {
        return provider == SslProvider.JDK ? "JDK " + System.getProperty("java.version")
                : OpenSsl.versionString() + " (netty-tcnative)";
    }

    /** The cipher suites to enable, best first. */
    public static List<String> ciphers() {
        return CIPHERS;
    }

    /** The versions to enable, newest first, from the configured minimum. */
    public static String[] protocols(String minVersion) {
        return minVersion.equals("TLSv1.3") ? new String[]{"TLSv1.3"} : new String[]{"TLSv1.3", "TLSv1.2"};
    }
}
