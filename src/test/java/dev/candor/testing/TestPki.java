package dev.candor.testing;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A throwaway certificate authority for tests: issues server and client certificates at test time
 * (Bouncy Castle's PKIX API) and writes them as PEM files into a directory. Nothing is checked in, so no
 * test certificate can expire in the repository.
 */
public final class TestPki {
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

    private final Path dir;
    private final String name;
    private final KeyPair keys;
    private final X509Certificate certificate;
    private final Path caFile;

    private TestPki(Path dir, String name, KeyPair keys, X509Certificate certificate, Path caFile) {
        this.dir = dir;
        this.name = name;
        this.keys = keys;
        this.certificate = certificate;
        this.caFile = caFile;
    }

    /** A new CA named {@code name} (EC P-256), its certificate written to {@code dir/name-ca.pem}. */
    public static TestPki newCa(Path dir, String name) {
        KeyPair keys = ec();
        X500Name subject = new X500Name("CN=" + name);
        Instant now = Instant.now();
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(3650))), subject,
                    keys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            X509Certificate cert = sign(b, keys);
            Path file = dir.resolve(name + "-ca.pem");
            Files.writeString(file, pem(cert));
            return new TestPki(dir, name, keys, cert, file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The CA certificate as a PEM file. */
    public Path caFile() {
        return caFile;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** Starts a certificate for {@code names} (DNS names, or IP addresses such as 127.0.0.1). */
    public Issue issue(String... names) {
        return new Issue(List.of(names));
    }

    /** How private keys are written. */
    public enum KeyFormat {
        /** {@code PRIVATE KEY}. */
        PKCS8,
        /** {@code RSA PRIVATE KEY} or {@code EC PRIVATE KEY}: OpenSSL's traditional form. */
        TRADITIONAL
    }

    /** One certificate being made. */
    public final class Issue {
        private final List<String> names;
        private Instant notBefore = Instant.now().minus(Duration.ofHours(1));
        private Instant notAfter = Instant.now().plus(Duration.ofDays(90));
        private boolean rsa;
        private KeyFormat format = KeyFormat.PKCS8;
        private boolean client;

        private Issue(List<String> names) {
            this.names = names;
        }

        public Issue validity(Instant from, Instant until) {
            this.notBefore = from;
            this.notAfter = until;
            return this;
        }

        /** An RSA 2048 key instead of EC P-256. */
        public Issue rsa() {
            this.rsa = true;
            return this;
        }

        public Issue keyFormat(KeyFormat format) {
            this.format = format;
            return this;
        }

        /** For a client (mutual TLS) rather than a server. */
        public Issue forClient() {
            this.client = true;
            return this;
        }

        /** Issues it and writes {@code dir/fileName.pem} and {@code dir/fileName.key}. */
        public Issued write(String fileName) {
            KeyPair pair = rsa ? rsaKeys() : ec();
            try {
                X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name("CN=" + name),
                        serial(), Date.from(notBefore), Date.from(notAfter),
                        new X500Name("CN=" + (names.isEmpty() ? fileName : names.get(0))), pair.getPublic());
                if (!names.isEmpty()) {
                    List<GeneralName> alt = new ArrayList<>();
                    for (String n : names) {
                        boolean ip = n.matches("[0-9.]+") || n.contains(":");
                        alt.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, n));
                    }
                    b.addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(alt.toArray(new GeneralName[0])));
                }
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                        client ? KeyPurposeId.id_kp_clientAuth : KeyPurposeId.id_kp_serverAuth));
                X509Certificate cert = sign(b, keys);
                Issued issued = new Issued(dir.resolve(fileName + ".pem"), dir.resolve(fileName + ".key"), cert, pair);
                issued.writeTo(issued.certFile(), issued.keyFile(), format);
                return issued;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A certificate with its key, and where they were written. */
    public record Issued(Path certFile, Path keyFile, X509Certificate certificate, KeyPair keys) {

        /** Writes this certificate and key over other files, atomically each (as certbot does). */
        public void writeTo(Path cert, Path key, KeyFormat format) {
            try {
                replace(cert, pem(certificate));
                replace(key, format == KeyFormat.PKCS8 ? pem(new JcaPKCS8Generator(keys.getPrivate(), null).generate())
                        : traditional(keys));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static void replace(Path file, String text) throws IOException {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** PKCS#1 for RSA; SEC 1 with the curve named and the public key included for EC, as OpenSSL writes it. */
    private static String traditional(KeyPair keys) throws IOException {
        if (!keys.getPrivate().getAlgorithm().equals("EC")) {
            return pem(keys.getPrivate());
        }
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
        ASN1ObjectIdentifier curve = ASN1ObjectIdentifier.getInstance(info.getPrivateKeyAlgorithm().getParameters());
        org.bouncycastle.asn1.sec.ECPrivateKey inner = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
        org.bouncycastle.asn1.sec.ECPrivateKey full = new org.bouncycastle.asn1.sec.ECPrivateKey(256, inner.getKey(),
                SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()).getPublicKeyData(), curve);
        return pem(new PemObject("EC PRIVATE KEY", full.getEncoded()));
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair issuer) {
        try {
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate());
            return new JcaX509CertificateConverter().getCertificate(b.build(signer));
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(Object o) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        }
        return out.toString();
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIALS.incrementAndGet());
    }

    private static KeyPair ec() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair rsaKeys() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
