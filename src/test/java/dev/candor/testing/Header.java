package dev.candor.testing;

import io.netty.handler.codec.http.HttpHeaders;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/** One header field line as it travelled, name spelled as sent. */
public record Header(String name, String value) {

    public Header {
        requireNonNull(name, "name");
        requireNonNull(value, "value");
    }

    /** Every field of Netty's {@code headers}, in order. */
    static List<Header> list(HttpHeaders headers) {
        List<Header> out = new ArrayList<>();
        for (Map.Entry<String, String> e : headers) {
            out.add(new Header(e.getKey(), e.getValue()));
        }
        return out;
    }

    /** The first value of {@code name} (case-insensitive) in {@code headers}, or null. */
    static String first(List<Header> headers, String name) {
        for (Header h : headers) {
            if (h.name().equalsIgnoreCase(name)) {
                return h.value();
            }
        }
        return null;
    }

    /** Every value of {@code name} (case-insensitive), in order. */
    static List<String> all(List<Header> headers, String name) {
        return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(Header::value).toList();
    }

    /** Names in order, lower case, for order assertions. */
    static List<String> names(List<Header> headers) {
        return headers.stream().map(h -> h.name().toLowerCase(Locale.ROOT)).toList();
    }

    @Override
    public String toString() {
        return name + ": " + value;
    }
}
