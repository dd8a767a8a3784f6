package dev.candor.testing;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A request as a {@link TestBackend} received it, after HTTP/1.1 decoding.
 *
 * @param connection the sequence number (1, 2, …) of the backend connection it arrived on
 * @param headers every header line, in order, names as sent
 * @param body the body bytes, or null when it was larger than 1 MiB (use {@code bodySha256})
 * @param trailers trailer fields of a chunked body (empty otherwise)
 */
public record RecordedRequest(
        int connection,
        String method,
        String uri,
        String version,
        List<Header> headers,
        long bodyLength,
        String bodySha256,
        byte[] body,
        List<Header> trailers) {

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

    public String bodyText() {
        return body == null ? null : new String(body, StandardCharsets.ISO_8859_1);
    }
}
