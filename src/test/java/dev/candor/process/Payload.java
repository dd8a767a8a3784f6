package dev.candor.process;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic pseudo-random bodies of any size, generated as they are read, and SHA-256 digests
 * computed as bytes stream past: the test side of a 1 GiB transfer never holds the body either.
 */
final class Payload {
    static final long KIB = 1024;
    static final long MIB = 1024 * KIB;
    static final long GIB = 1024 * MIB;

    private Payload() {
    }

    /** What a digest saw: how many bytes and their SHA-256 in hex. */
    record Digested(long bytes, String sha256) {
    }

    /** {@code length} bytes from a xorshift64* generator seeded with {@code seed}; same seed, same bytes. */
    static InputStream pseudoRandom(long seed, long length) {
        return new InputStream() {
            private long state = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
            private long word;
            private int wordLeft;
            private long remaining = length;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (remaining == 0) {
                    return -1;
                }
                int n = (int) Math.min(len, remaining);
                for (int i = 0; i < n; i++) {
                    if (wordLeft == 0) {
                        state ^= state >>> 12;
                        state ^= state << 25;
                        state ^= state >>> 27;
                        word = state * 0x2545F4914F6CDD1DL;
                        wordLeft = 8;
                    }
                    b[off + i] = (byte) word;
                    word >>>= 8;
                    wordLeft--;
                }
                remaining -= n;
                return n;
            }
        };
    }

    /** Reads a stream to its end, digesting it; the stream is not closed. */
    static Digested digest(InputStream in) throws IOException {
        MessageDigest sha = sha256();
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            sha.update(buffer, 0, n);
            total += n;
        }
        return new Digested(total, HexFormat.of().formatHex(sha.digest()));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }
}
