package dev.candor.failure;

/**
 * A command an operator can paste on the proxy's host to see the failure for themselves, bypassing
 * Candor: the same request sent straight to the endpoint, or a bare connect for connect failures.
 */
public final class ConfirmCommand {

    private ConfirmCommand() {
    }

    /**
     * @param hostHeader the request's Host (may carry a port), or null
     * @param address the endpoint as {@code host:port} or {@code [v6]:port}
     * @return the command, or null when no direct check applies (no route, no endpoint, client faults)
     */
    public static String forFailure(ErrorType type, String method, String hostHeader, String uri, String address) {
        if (address == null) {
            return null;
        }
        return switch (type) {
            case CONNECTION_REFUSED, CONNECTION_TIMEOUT, DESTINATION_IP_UNROUTABLE ->
                    "curl -sv -g -o /dev/null --connect-timeout 5 " + quote("http://" + address + "/");
            case DNS_ERROR, DNS_TIMEOUT -> "dig " + quote(hostOf(address));
            case TLS_PROTOCOL_ERROR, TLS_CERTIFICATE_ERROR ->
                    "openssl s_client -connect " + quote(address) + " </dev/null";
            case CONNECTION_TERMINATED, CONNECTION_READ_TIMEOUT, HTTP_RESPONSE_TIMEOUT, HTTP_RESPONSE_INCOMPLETE,
                 HTTP_RESPONSE_HEADER_SECTION_SIZE, HTTP_PROTOCOL_ERROR -> curlThrough(method, hostHeader, uri, address);
            case DESTINATION_NOT_FOUND, DESTINATION_UNAVAILABLE, CONNECTION_LIMIT_REACHED, HTTP_REQUEST_ERROR,
                 HTTP_REQUEST_DENIED, PROXY_INTERNAL_ERROR -> null;
        };
    }

    /**
     * A lookup of {@code name} as Candor made it: from the same resolver, for the same record types.
     *
     * @param resolver the name server ({@code ip:port}), or null for the system's
     * @param srv true for an SRV record, false for the A and AAAA records
     */
    public static String dig(String name, String resolver, boolean srv) {
        StringBuilder b = new StringBuilder("dig");
        if (resolver != null && resolver.lastIndexOf(':') > 0) {
            int colon = resolver.lastIndexOf(':');
            String ip = resolver.substring(0, colon).replace("[", "").replace("]", "");
            b.append(" @").append(quote(ip)).append(" -p ").append(quote(resolver.substring(colon + 1)));
        }
        String n = quote(name);
        return srv ? b.append(' ').append(n).append(" SRV").toString()
                : b.append(' ').append(n).append(" A ").append(n).append(" AAAA").toString();
    }

    /**
     * The request as the client sent it, delivered to the endpoint with curl's --connect-to; {@code -g}
     * keeps curl from reading {@code []} and {@code {}} in the URL as patterns.
     */
    private static String curlThrough(String method, String hostHeader, String uri, String address) {
        StringBuilder b = new StringBuilder("curl -sv -g -o /dev/null");
        if ("HEAD".equals(method)) {
            b.append(" -I");
        } else if (method != null && !"GET".equals(method)) {
            b.append(" -X ").append(quote(method));
        }
        String path = uri == null || !uri.startsWith("/") ? "/" : uri;
        if (hostHeader == null) {
            return b.append(' ').append(quote("http://" + address + path)).toString();
        }
        String host = hostOf(hostHeader);
        String port = portOf(hostHeader, "80");
        b.append(" --connect-to ").append(quote(host + ":" + port + ":" + address));
        return b.append(' ').append(quote("http://" + hostHeader + path)).toString();
    }

    private static String hostOf(String hostPort) {
        if (hostPort.startsWith("[")) {
            return hostPort.substring(0, hostPort.indexOf(']') + 1);
        }
        int colon = hostPort.lastIndexOf(':');
        return colon < 0 ? hostPort : hostPort.substring(0, colon);
    }

    private static String portOf(String hostPort, String otherwise) {
        int close = hostPort.lastIndexOf(']');
        int colon = hostPort.lastIndexOf(':');
        return colon > close && colon < hostPort.length() - 1 ? hostPort.substring(colon + 1) : otherwise;
    }

    /** POSIX shell single quotes: nothing inside is interpreted. */
    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
