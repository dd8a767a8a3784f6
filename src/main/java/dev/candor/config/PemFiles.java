package dev.candor.config;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reads PEM files: certificate chains, and private keys as PKCS#8 ({@code PRIVATE KEY}), PKCS#1
 * ({@code RSA PRIVATE KEY}) or SEC 1 ({@code EC PRIVATE KEY}). The JDK reads only PKCS#8, so the two
 * older forms are wrapped into PKCS#8 here (RFC 5208 §5, RFC 5915 §3). Every failure is an
 * {@link IllegalArgumentException} whose message an operator can act on.
 */
public final class PemFiles {
    private static final String BEGIN = "-----BEGIN ";
    private static final String END = "-----END ";
    /** rsaEncryption, 1.2.840.113549.1.1.1, with NULL parameters. */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
            (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    /** id-ecPublicKey, 1.2.840.10045.2.1. */
    private static final byte[] EC_PUBLIC_KEY_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

    private PemFiles() {
    }

    /** One {@code -----BEGIN label-----} block, decoded. */
    record Block(String label, byte[] der) {
    }

    /** The certificates of a PEM file, leaf first as written; at least one. */
    public static List<X509Certificate> certificates(Path file) {
        List<X509Certificate> certs = new ArrayList<>();
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("the JDK has no X.509 support", e);
        }
        for (Block b : blocks(file)) {
            if (!b.label().equals("CERTIFICATE")) {
                continue;
            }
            try {
                certs.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
            } catch (CertificateException e) {
                throw new IllegalArgumentException(file + ": certificate " + (certs.size() + 1) + " is not a valid X.509 certificate ("
                        + e.getMessage() + ")");
            }
        }
        if (certs.isEmpty()) {
            throw new IllegalArgumentException(file + ": no '-----BEGIN CERTIFICATE-----' block (expected a PEM certificate chain)");
        }
        return List.copyOf(certs);
    }

    /** The private key of a PEM file: RSA or EC, PKCS#8, PKCS#1 or SEC 1, not encrypted. */
    public static PrivateKey privateKey(Path file) {
        for (Block b : blocks(file)) {
            switch (b.label()) {
                case "PRIVATE KEY":
                    return pkcs8(file, b.der());
                case "RSA PRIVATE KEY":
                    return decode(file, "RSA", wrap(RSA_ALGORITHM, b.der()));
                case "EC PRIVATE KEY":
                    return decode(file, "EC", wrap(ecAlgorithm(file, b.der()), b.der()));
                case "ENCRYPTED PRIVATE KEY":
                    throw new IllegalArgumentException(file + ": the key is encrypted; Candor needs it unencrypted"
                            + " (openssl pkey -in KEY -out PLAIN) and readable only by its user");
                default:
                    // EC PARAMETERS, or certificates bundled with the key: not the key.
            }
        }
        throw new IllegalArgumentException(file + ": no private key block (expected '-----BEGIN PRIVATE KEY-----',"
                + " 'RSA PRIVATE KEY' or 'EC PRIVATE KEY')");
    }

    private static PrivateKey pkcs8(Path file, byte[] der) {
        for (String algorithm : List.of("RSA", "EC")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException wrongAlgorithm) {
                // try the next one
            }
        }
        throw new IllegalArgumentException(file + ": the PKCS#8 key is neither RSA nor EC (or is damaged)");
    }

    private static PrivateKey decode(Path file, String algorithm, byte[] pkcs8) {
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(file + ": the " + algorithm + " key cannot be read (" + e.getMessage() + ")");
        }
    }

    /** PrivateKeyInfo ::= SEQUENCE { version 0, algorithm, OCTET STRING key } (RFC 5208 §5). */
    private static byte[] wrap(byte[] algorithm, byte[] key) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[]{0x02, 0x01, 0x00});
        body.writeBytes(algorithm);
        body.writeBytes(tlv(0x04, key));
        return tlv(0x30, body.toByteArray());
    }

    /**
     * The AlgorithmIdentifier for a SEC 1 key: id-ecPublicKey with the curve named in the key's
     * {@code [0] parameters} (RFC 5915 §3: ECPrivateKey ::= SEQUENCE { 1, OCTET STRING, [0] curve, [1] public }).
     */
    private static byte[] ecAlgorithm(Path file, byte[] sec1) {
        Der seq = new Der(sec1, 0);
        if (seq.tag != 0x30) {
            throw new IllegalArgumentException(file + ": the EC key is damaged (not a DER sequence)");
        }
        int at = seq.contentStart;
        while (at < seq.end) {
            Der item = new Der(sec1, at);
            if (item.tag == 0xa0) {
                Der oid = new Der(sec1, item.contentStart);
                byte[] curve = java.util.Arrays.copyOfRange(sec1, item.contentStart, oid.end);
                ByteArrayOutputStream alg = new ByteArrayOutputStream();
                alg.writeBytes(EC_PUBLIC_KEY_OID);
                alg.writeBytes(curve);
                return tlv(0x30, alg.toByteArray());
            }
            at = item.end;
        }
        throw new IllegalArgumentException(file + ": the EC key does not name its curve; convert it with"
                + " 'openssl pkcs8 -topk8 -nocrypt'");
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else if (n < 0x10000) {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n);
        } else {
            out.write(0x83);
            out.write(n >> 16);
            out.write(n >> 8);
            out.write(n);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    /** One DER item's tag and extent. */
    private static final class Der {
        final int tag;
        final int contentStart;
        final int end;

        Der(byte[] b, int at) {
            if (at + 2 > b.length) {
                throw new IllegalArgumentException("truncated DER");
            }
            tag = b[at] & 0xff;
            int len = b[at + 1] & 0xff;
            int p = at + 2;
            if (len >= 0x80) {
                int bytes = len & 0x7f;
                len = 0;
                for (int i = 0; i < bytes; i++) {
                    len = (len << 8) | (b[p++] & 0xff);
                }
            }
            contentStart = p;
            end = p + len;
            if (end > b.length) {
                throw new IllegalArgumentException("truncated DER");
            }
        }
    }

    static List<Block> blocks(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException(file + ": permission denied");
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read (" + e.getMessage() + ")");
        }
        List<Block> blocks = new ArrayList<>();
        int at = 0;
        while ((at = text.indexOf(BEGIN, at)) >= 0) {
            int labelEnd = text.indexOf("-----", at + BEGIN.length());
            if (labelEnd < 0) {
                break;
            }
            String label = text.substring(at + BEGIN.length(), labelEnd);
            String endMarker = END + label + "-----";
            int end = text.indexOf(endMarker, labelEnd);
            if (end < 0) {
                throw new IllegalArgumentException(file + ": '" + BEGIN + label + "-----' has no matching end line");
            }
            String base64 = text.substring(labelEnd + 5, end).replaceAll("\\s+", "");
            try {
                blocks.add(new Block(label, Base64.getDecoder().decode(base64)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": the " + label + " block is not valid base64");
            }
            at = end + endMarker.length();
        }
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException(file + ": not a PEM file (no '-----BEGIN' line)");
        }
        return blocks;
    }
}
