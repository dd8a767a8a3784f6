package dev.candor.testing;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/** Collects a body as it streams: its length and SHA-256 always, its bytes only up to a cap. */
final class BodySink {
    private final int keepAtMost;
    private final MessageDigest digest = Payload.newDigest();
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private long length;
    private boolean truncated;
    private String sha256;

    BodySink(int keepAtMost) {
        this.keepAtMost = keepAtMost;
    }

    void add(byte[] bytes, int offset, int count) {
        if (sha256 != null) {
            throw new IllegalStateException("body already finished");
        }
        digest.update(bytes, offset, count);
        length += count;
        int room = keepAtMost - kept.size();
        if (count > room) {
            truncated = true;
        }
        kept.write(bytes, offset, Math.max(0, Math.min(room, count)));
    }

    long length() {
        return length;
    }

    /** The bytes kept; null when the body was larger than the cap (use the digest). */
    byte[] bytes() {
        return truncated ? null : kept.toByteArray();
    }

    /** The digest of everything added; the body is finished from then on. */
    String sha256() {
        if (sha256 == null) {
            sha256 = HexFormat.of().formatHex(digest.digest());
        }
        return sha256;
    }
}
