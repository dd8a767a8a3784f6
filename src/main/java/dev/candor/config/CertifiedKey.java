package dev.candor.config;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

import static java.util.Objects.requireNonNull;

/**
 * A certificate chain with its private key, read from PEM files and checked to belong together, plus
 * the facts an operator asks about first: the names it covers and when it is valid.
 *
 * @param chain leaf first
 * @param names the DNS names and IP addresses of the leaf (subjectAltName; the CN only when there is none)
 */
public record CertifiedKey(List<X509Certificate> chain, PrivateKey key, List<String> names) {

    public CertifiedKey {
        chain = List.copyOf(requireNonNull(chain, "chain"));
        requireNonNull(key, "key");
        names = List.copyOf(requireNonNull(names, "names"));
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("empty chain");
        }
    }

    /**
     * Reads {@code cert} and {@code key}.
     *
     * @throws IllegalArgumentException naming the file at fault; {@link KeyMismatch} when both read but do not belong together
     */
    public static CertifiedKey load(Path cert, Path key) {
        List<X509Certificate> chain = PemFiles.certificates(cert);
        PrivateKey privateKey = PemFiles.privateKey(key);
        X509Certificate leaf = chain.get(0);
        if (!matches(leaf, privateKey)) {
            throw new KeyMismatch(key + " is not the private key of the certificate in " + cert + " ("
                    + leaf.getSubjectX500Principal().getName() + ")");
        }
        return new CertifiedKey(chain, privateKey, namesOf(leaf));
    }

    /** The key of a file pair that does not belong to its certificate. */
    public static final class KeyMismatch extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        KeyMismatch(String message) {
            super(message);
        }
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    public Instant notBefore() {
        return leaf().getNotBefore().toInstant();
    }

    public Instant notAfter() {
        return leaf().getNotAfter().toInstant();
    }

    /** The leaf's subject, as written in RFC 2253 form. */
    public String subject() {
        return leaf().getSubjectX500Principal().getName();
    }

    /** "RSA 2048" or "EC 256": what the key is, for logs. */
    public String keyDescription() {
        if (key instanceof RSAPrivateKey rsa) {
            return "RSA " + rsa.getModulus().bitLength();
        }
        if (key instanceof ECPrivateKey ec) {
            return "EC " + ec.getParams().getOrder().bitLength();
        }
        return key.getAlgorithm();
    }

    /** Whether the private key made the leaf's public key: a signature made with one verifies with the other. */
    static boolean matches(X509Certificate leaf, PrivateKey key) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> null;
        };
        if (algorithm == null || !algorithm.endsWith(leaf.getPublicKey().getAlgorithm().replace("EC", "ECDSA"))) {
            return false;
        }
        try {
            byte[] probe = "candor key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature sign = Signature.getInstance(algorithm);
            sign.initSign(key);
            sign.update(probe);
            byte[] signature = sign.sign();
            Signature verify = Signature.getInstance(algorithm);
            verify.initVerify(leaf.getPublicKey());
            verify.update(probe);
            return verify.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** DNS names and IP addresses from subjectAltName; the subject's CN when there is no subjectAltName. */
    public static List<String> namesOf(X509Certificate cert) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alt = cert.getSubjectAlternativeNames();
            if (alt != null) {
                for (List<?> entry : alt) {
                    int type = (Integer) entry.get(0);
                    if (type == 2 || type == 7) { // dNSName, iPAddress (RFC 5280 §4.2.1.6)
                        names.add(String.valueOf(entry.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // unreadable extension: fall back to the CN below
        }
        if (names.isEmpty()) {
            try {
                for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                    if (rdn.getType().equalsIgnoreCase("CN")) {
                        names.add(String.valueOf(rdn.getValue()));
                    }
                }
            } catch (InvalidNameException e) {
                // no usable subject either
            }
        }
        return names;
    }
}
