package dev.candor.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A deterministic body of any size, so a sender and a checker agree on its bytes and digest without
 * keeping it in memory. Every byte value occurs, CR and LF included, so framing mistakes show.
 */
public final class Payload {
    private static final int CHUNK = 64 * 1024;

    private Payload() {
    }

    /** The byte at {@code position}. */
    public static byte at(long position) {
        long x = position * 0x9E3779B97F4A7C15L;
        return (byte) (x >>> 56 ^ position);
    }

    /** The bytes from {@code offset}, {@code length} of them. */
    public static byte[] slice(long offset, int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = at(offset + i);
        }
        return out;
    }

    /** The first {@code length} bytes. */
    public static byte[] bytes(int length) {
        return slice(0, length);
    }

    /** Hex SHA-256 of the first {@code size} bytes. */
    public static String sha256(long size) {
        MessageDigest digest = newDigest();
        for (long offset = 0; offset < size; offset += CHUNK) {
            digest.update(slice(offset, (int) Math.min(CHUNK, size - offset)));
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Writes the first {@code size} bytes to {@code out}, in 64 KiB pieces. */
    public static void writeTo(OutputStream out, long size) throws IOException {
        for (long offset = 0; offset < size; offset += CHUNK) {
            out.write(slice(offset, (int) Math.min(CHUNK, size - offset)));
        }
    }

    /** Hex SHA-256 of {@code bytes}. */
    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(newDigest().digest(bytes));
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
