package dev.candor.doctor;

import dev.candor.client.DirectExchange;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static java.util.Objects.requireNonNull;

/**
 * One WebSocket opening handshake (RFC 6455 section 4) as the doctor sends it, and what the answer to it
 * means: accepted, refused by a status, or a 101 a client would have to reject.
 *
 * @param key the {@code Sec-WebSocket-Key} sent (16 random bytes, base64)
 * @param request the upgrade request, {@code Host} first
 */
record Handshake(String key, DirectExchange.Request request) {

    /** Appended to the key before hashing it into {@code Sec-WebSocket-Accept} (RFC 6455 section 1.3). */
    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /** What the answer to the handshake was, from a client's point of view. */
    enum Result {
        /** 101 to websocket, {@code Connection: upgrade}, and the accept value that fits the key. */
        ACCEPTED,
        /** No answer at all (connect, TLS, timeout, a close): the outcome's failure says which. */
        NO_ANSWER,
        /** An ordinary response instead of 101: the endpoint (or the proxy) declined the upgrade. */
        REFUSED,
        /** 101 to another protocol than websocket, or with no {@code Upgrade} header. */
        OTHER_PROTOCOL,
        /** 101 without {@code Sec-WebSocket-Accept}. */
        MISSING_ACCEPT,
        /** 101 whose {@code Sec-WebSocket-Accept} does not fit the key sent. */
        WRONG_ACCEPT,
        /** 101 whose {@code Connection} header does not say {@code upgrade}. */
        NO_CONNECTION_UPGRADE;

        boolean switched() {
            return this != NO_ANSWER && this != REFUSED;
        }
    }

    Handshake {
        requireNonNull(key, "key");
        requireNonNull(request, "request");
    }

    /** A version 13 handshake for {@code path} with a fresh key; no {@code Origin}, as a non-browser client. */
    static Handshake of(String host, String path) {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        DirectExchange.Request plain = Targets.request(host, path);
        List<Map.Entry<String, String>> headers = new ArrayList<>(plain.headers());
        headers.add(Map.entry("Connection", "Upgrade"));
        headers.add(Map.entry("Upgrade", "websocket"));
        headers.add(Map.entry("Sec-WebSocket-Version", "13"));
        headers.add(Map.entry("Sec-WebSocket-Key", key));
        return new Handshake(key, new DirectExchange.Request("GET", path, headers));
    }

    /** The {@code Sec-WebSocket-Accept} a server must answer to this key. */
    String expectedAccept() {
        return accept(key);
    }

    static String accept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    /** Judges an answer to this handshake as a WebSocket client must (RFC 6455 section 4.1, the client's checks). */
    Result judge(DirectExchange.Outcome o) {
        if (o.failure() != null) {
            return Result.NO_ANSWER;
        }
        if (o.status() != 101) {
            return Result.REFUSED;
        }
        String upgrade = o.header("Upgrade");
        if (upgrade == null || !upgrade.trim().equalsIgnoreCase("websocket")) {
            return Result.OTHER_PROTOCOL;
        }
        if (!hasToken(o.header("Connection"), "upgrade")) {
            return Result.NO_CONNECTION_UPGRADE;
        }
        String accept = o.header("Sec-WebSocket-Accept");
        if (accept == null) {
            return Result.MISSING_ACCEPT;
        }
        return accept.trim().equals(expectedAccept()) ? Result.ACCEPTED : Result.WRONG_ACCEPT;
    }

    /** What is wrong with a 101 that is not {@link Result#ACCEPTED}, in words; null for the other results. */
    String flaw(DirectExchange.Outcome o) {
        return switch (judge(o)) {
            case OTHER_PROTOCOL -> o.header("Upgrade") == null ? "101 Switching Protocols without an Upgrade header"
                    : "101 Switching Protocols to '" + o.header("Upgrade") + "', not websocket";
            case MISSING_ACCEPT -> "101 Switching Protocols without Sec-WebSocket-Accept";
            case WRONG_ACCEPT -> "101 Switching Protocols with Sec-WebSocket-Accept '" + o.header("Sec-WebSocket-Accept")
                    + "', where the key sent calls for '" + expectedAccept() + "'";
            case NO_CONNECTION_UPGRADE -> "101 Switching Protocols whose Connection header ("
                    + (o.header("Connection") == null ? "none" : "'" + o.header("Connection") + "'")
                    + ") does not say upgrade";
            case ACCEPTED, NO_ANSWER, REFUSED -> null;
        };
    }

    private static boolean hasToken(String headerValue, String token) {
        if (headerValue == null) {
            return false;
        }
        for (String part : headerValue.split(",")) {
            if (part.trim().toLowerCase(Locale.ROOT).equals(token)) {
                return true;
            }
        }
        return false;
    }
}
