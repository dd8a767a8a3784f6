package dev.candor.proxy;

import java.util.concurrent.ThreadLocalRandom;

/** X-Request-Id: keep a client's id when it is safe to log and forward, otherwise make one. */
final class RequestIds {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private RequestIds() {
    }

    /** The id to use for a request that carried {@code incoming} (may be null). */
    static String choose(String incoming) {
        return isAcceptable(incoming) ? incoming : generate();
    }

    /** 1–128 characters of {@code [A-Za-z0-9._:-]}: nothing that could break a log line or a header. */
    static boolean isAcceptable(String id) {
        if (id == null || id.isEmpty() || id.length() > 128) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == ':' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** 32 random hex digits, like nginx's {@code $request_id}. */
    static String generate() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        char[] out = new char[32];
        long a = r.nextLong();
        long b = r.nextLong();
        for (int i = 0; i < 16; i++) {
            out[i] = HEX[(int) (a >>> (60 - 4 * i)) & 0xf];
            out[16 + i] = HEX[(int) (b >>> (60 - 4 * i)) & 0xf];
        }
        return new String(out);
    }
}
