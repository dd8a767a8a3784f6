package dev.candor.failure;

/**
 * Renders the RFC 9209 {@code Proxy-Status} field value as an RFC 8941 list member: the proxy's name
 * token followed by parameters, with strings escaped as sf-strings.
 */
public final class ProxyStatus {
    /** The name Candor uses for itself in the field. */
    public static final String PROXY_NAME = "candor";

    private ProxyStatus() {
    }

    /** {@code candor; error=TYPE} plus, when given, {@code details}, {@code next-hop} and {@code rcode}. */
    public static String forError(ErrorType type, String details, String nextHop, String rcode) {
        StringBuilder b = new StringBuilder(48).append(PROXY_NAME).append("; error=").append(type.token());
        if (nextHop != null) {
            b.append("; next-hop=");
            appendString(b, nextHop);
        }
        if (rcode != null) {
            b.append("; rcode=");
            appendString(b, rcode);
        }
        if (details != null) {
            b.append("; details=");
            appendString(b, details);
        }
        return b.toString();
    }

    /** {@code candor; received-status=503}: an upstream's own error passed through untouched. */
    public static String forReceivedStatus(int status) {
        return PROXY_NAME + "; received-status=" + status;
    }

    /**
     * An sf-string: printable ASCII only, with {@code "} and {@code \} escaped (RFC 8941 §3.3.3).
     * Anything else becomes {@code ?} so a header can never be broken by a detail.
     */
    static void appendString(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c >= 0x20 && c < 0x7f) {
                b.append(c);
            } else {
                b.append('?');
            }
        }
        b.append('"');
    }
}
