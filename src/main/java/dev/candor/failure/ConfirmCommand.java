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
        return forFailure(type, method, hostHeader, uri, address, null);
    }

    /**
     * How Candor speaks TLS to an upstream, so the command does the same.
     *
     * @param serverName the SNI name and the name verified (the {@code sni} setting or the endpoint's host)
     * @param caFile the trusted CA file, or null for the system's
     * @param verify whether the certificate is verified at all
     */
    public record Tls(String serverName, String caFile, boolean verify) {

        /** How Candor speaks TLS to an endpoint configured as {@code endpointHost}; null without {@code tls}. */
        public static Tls of(dev.candor.config.UpstreamTlsConfig tls, String endpointHost) {
            return tls == null ? null : new Tls(tls.sni() != null ? tls.sni() : endpointHost,
                    tls.ca() == null ? null : tls.ca().toString(), tls.verify());
        }
    }

    /** The flags of a request whose answer is shown (headers) and whose body is not. */
    private static final String VERBOSE = "-sv -g -o /dev/null";

    /**
     * The flags of a WebSocket opening handshake (RFC 6455 §4.1; the key is the RFC's sample nonce): the
     * answer's status and headers are shown, and curl waits at most 5 s for the frames that may follow.
     */
    public static final String WEBSOCKET_UPGRADE = "-si -g -N --max-time 5 -H 'Connection: Upgrade' -H 'Upgrade: websocket'"
            + " -H 'Sec-WebSocket-Version: 13' -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='";

    /** The same, for an upstream reached over TLS when {@code tls} is not null. */
    public static String forFailure(ErrorType type, String method, String hostHeader, String uri, String address,
                                    Tls tls) {
        if (address == null) {
            return null;
        }
        return switch (type) {
            case CONNECTION_REFUSED, CONNECTION_TIMEOUT, DESTINATION_IP_UNROUTABLE ->
                    "curl -sv -g -o /dev/null --connect-timeout 5 " + quote("http://" + address + "/");
            case DNS_ERROR, DNS_TIMEOUT -> "dig " + quote(hostOf(address));
            case TLS_PROTOCOL_ERROR, TLS_CERTIFICATE_ERROR -> openssl(address, tls);
            case CONNECTION_TERMINATED, CONNECTION_READ_TIMEOUT, HTTP_RESPONSE_TIMEOUT, HTTP_RESPONSE_INCOMPLETE,
                 HTTP_RESPONSE_HEADER_SECTION_SIZE, HTTP_PROTOCOL_ERROR -> curl(VERBOSE, method, hostHeader, uri, address, tls);
            case HTTP_UPGRADE_FAILED -> curl(WEBSOCKET_UPGRADE, method, hostHeader, uri, address, tls);
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
     * The request sent straight to {@code address} with curl, over TLS the way Candor speaks it when
     * {@code tls} is not null.
     *
     * @param flags curl's options before the request's own (e.g. {@code -s -o /dev/null --max-time 3});
     *              keep {@code -g} so that {@code []} and {@code {}} in the URL are not read as patterns
     */
    public static String curl(String flags, String method, String hostHeader, String uri, String address, Tls tls) {
        return tls == null ? curlThrough(flags, method, hostHeader, uri, address)
                : curlThroughTls(flags, method, hostHeader, uri, address, tls);
    }

    /** The request as the client sent it, delivered to the endpoint with curl's --connect-to. */
    private static String curlThrough(String flags, String method, String hostHeader, String uri, String address) {
        StringBuilder b = new StringBuilder("curl ").append(flags);
        method(b, method);
        String path = uri == null || !uri.startsWith("/") ? "/" : uri;
        if (hostHeader == null || hostHeader.equals(address)) {
            return b.append(' ').append(quote("http://" + address + path)).toString();
        }
        String host = hostOf(hostHeader);
        String port = portOf(hostHeader, "80");
        b.append(" --connect-to ").append(quote(host + ":" + port + ":" + address));
        return b.append(' ').append(quote("http://" + hostHeader + path)).toString();
    }

    private static void method(StringBuilder b, String method) {
        if ("HEAD".equals(method)) {
            b.append(" -I");
        } else if (method != null && !"GET".equals(method)) {
            b.append(" -X ").append(quote(method));
        }
    }

    /**
     * A WebSocket opening handshake sent straight to {@code address} with curl (over TLS the way Candor
     * speaks it when {@code tls} is not null): the answer's head shows the 101 or the refusal.
     */
    public static String websocket(String hostHeader, String uri, String address, Tls tls) {
        return curl(WEBSOCKET_UPGRADE, "GET", hostHeader, uri, address, tls);
    }

    /**
     * The same handshake sent to {@code url} as a client sends it ({@code ws://} and {@code wss://} written
     * as {@code http://} and {@code https://}, which every curl understands).
     */
    public static String websocket(String url) {
        String http = url.startsWith("ws://") ? "http://" + url.substring(5)
                : url.startsWith("wss://") ? "https://" + url.substring(6) : url;
        return "curl " + WEBSOCKET_UPGRADE + " " + quote(http);
    }

    /** A handshake like Candor's: the same SNI name, the same trust, failing on what Candor refuses. */
    public static String openssl(String address, Tls tls) {
        StringBuilder b = new StringBuilder("openssl s_client -connect ").append(quote(address));
        if (tls != null && tls.serverName() != null && !isIpLiteral(tls.serverName())) {
            b.append(" -servername ").append(quote(tls.serverName()));
        }
        if (tls != null && tls.verify()) {
            if (tls.caFile() != null) {
                b.append(" -CAfile ").append(quote(tls.caFile()));
            }
            b.append(" -verify_return_error");
            if (tls.serverName() != null) {
                b.append(isIpLiteral(tls.serverName()) ? " -verify_ip " : " -verify_hostname ").append(quote(tls.serverName()));
            }
        }
        return b.append(" </dev/null").toString();
    }

    /**
     * The request over TLS: the URL names the server name Candor uses (so curl sends the same SNI and
     * checks the same name), {@code --connect-to} sends it to the endpoint, {@code Host} is the client's.
     */
    private static String curlThroughTls(String flags, String method, String hostHeader, String uri, String address,
                                         Tls tls) {
        StringBuilder b = new StringBuilder("curl ").append(flags);
        method(b, method);
        if (!tls.verify()) {
            b.append(" -k");
        } else if (tls.caFile() != null) {
            b.append(" --cacert ").append(quote(tls.caFile()));
        }
        String name = tls.serverName().indexOf(':') >= 0 ? "[" + tls.serverName() + "]" : tls.serverName();
        String path = uri == null || !uri.startsWith("/") ? "/" : uri;
        b.append(" --connect-to ").append(quote(name + ":443:" + address));
        if (hostHeader != null) {
            b.append(" -H ").append(quote("Host: " + hostHeader));
        }
        return b.append(' ').append(quote("https://" + name + path)).toString();
    }

    private static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> Character.isDigit(c) || c == '.');
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
