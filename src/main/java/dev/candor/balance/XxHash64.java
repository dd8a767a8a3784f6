package dev.candor.balance;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * XXH64 with seed 0 of a text's UTF-8 bytes, as specified in Cyan4973/xxHash {@code doc/xxhash_spec.md}:
 * a fast, well-mixed 64-bit hash that is the same on every proxy instance, so replicas of the proxy send
 * a key to the same endpoint. Allocation-free for ASCII, which client addresses and cookie values are.
 */
final class XxHash64 {

    private static final long PRIME_1 = 0x9E3779B185EBCA87L;
    private static final long PRIME_2 = 0xC2B2AE3D27D4EB4FL;
    private static final long PRIME_3 = 0x165667B19E3779F9L;
    private static final long PRIME_4 = 0x85EBCA77C2B2AE63L;
    private static final long PRIME_5 = 0x27D4EB2F165667C5L;

    private XxHash64() {
    }

    static long hash(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                // one char per UTF-8 byte, so the byte-reading code below serves both cases
                return hashBytes(new String(text.toString().getBytes(UTF_8), ISO_8859_1));
            }
        }
        return hashBytes(text);
    }

    /** The hash of the bytes {@code bytes.charAt(i)}, each below 0x100. */
    private static long hashBytes(CharSequence bytes) {
        int length = bytes.length();
        int at = 0;
        long hash;
        if (length >= 32) {
            long v1 = PRIME_1 + PRIME_2;
            long v2 = PRIME_2;
            long v3 = 0;
            long v4 = -PRIME_1;
            for (; at <= length - 32; at += 32) {
                v1 = round(v1, lane64(bytes, at));
                v2 = round(v2, lane64(bytes, at + 8));
                v3 = round(v3, lane64(bytes, at + 16));
                v4 = round(v4, lane64(bytes, at + 24));
            }
            hash = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12) + Long.rotateLeft(v4, 18);
            hash = merge(hash, v1);
            hash = merge(hash, v2);
            hash = merge(hash, v3);
            hash = merge(hash, v4);
        } else {
            hash = PRIME_5;
        }
        hash += length;
        for (; at <= length - 8; at += 8) {
            hash ^= round(0, lane64(bytes, at));
            hash = Long.rotateLeft(hash, 27) * PRIME_1 + PRIME_4;
        }
        if (at <= length - 4) {
            hash ^= lane32(bytes, at) * PRIME_1;
            hash = Long.rotateLeft(hash, 23) * PRIME_2 + PRIME_3;
            at += 4;
        }
        for (; at < length; at++) {
            hash ^= (bytes.charAt(at) & 0xFFL) * PRIME_5;
            hash = Long.rotateLeft(hash, 11) * PRIME_1;
        }
        hash ^= hash >>> 33;
        hash *= PRIME_2;
        hash ^= hash >>> 29;
        hash *= PRIME_3;
        hash ^= hash >>> 32;
        return hash;
    }

    private static long round(long accumulator, long lane) {
        return Long.rotateLeft(accumulator + lane * PRIME_2, 31) * PRIME_1;
    }

    private static long merge(long hash, long accumulator) {
        return (hash ^ round(0, accumulator)) * PRIME_1 + PRIME_4;
    }

    private static long lane64(CharSequence bytes, int at) {
        return lane32(bytes, at) | lane32(bytes, at + 4) << 32;
    }

    private static long lane32(CharSequence bytes, int at) {
        // little-endian, as the specification reads its input
        return (bytes.charAt(at) & 0xFFL)
                | (bytes.charAt(at + 1) & 0xFFL) << 8
                | (bytes.charAt(at + 2) & 0xFFL) << 16
                | (bytes.charAt(at + 3) & 0xFFL) << 24;
    }
}
