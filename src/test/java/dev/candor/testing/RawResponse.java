package dev.candor.testing;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A response exactly as it came off the wire.
 *
 * @param headers every header line, in order
 * @param framing how the body was delimited
 * @param body the body bytes, or null when larger than 64 MiB (use {@code bodySha256})
 * @param complete false when the connection ended before the body its framing announced
 */
public record RawResponse(
        String version,
        int status,
        String reason,
        List<Header> headers,
        Framing framing,
        long bodyLength,
        String bodySha256,
        byte[] body,
        List<Header> trailers,
        boolean complete) {

    /** How a response body was delimited (RFC 9112 §6.3). */
    public enum Framing { NONE, CONTENT_LENGTH, CHUNKED, UNTIL_CLOSE }

    /** The first value of a header (case-insensitive), or null. */
    public String header(String name) {
        return Header.first(headers, name);
    }

    /** Every value of a header (case-insensitive), in order. */
    public List<String> headers(String name) {
        return Header.all(headers, name);
    }

    public boolean hasHeader(String name) {
        return header(name) != null;
    }

    /** Header names in order, lower case. */
    public List<String> headerNames() {
        return Header.names(headers);
    }

    public String trailer(String name) {
        return Header.first(trailers, name);
    }

    public String bodyText() {
        return body == null ? null : new String(body, StandardCharsets.UTF_8);
    }
}
