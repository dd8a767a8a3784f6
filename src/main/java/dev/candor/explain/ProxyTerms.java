package dev.candor.explain;

import dev.candor.failure.ErrorType;

/**
 * The next check for a failure, in the directives of the proxy that logged it: what {@link ErrorType#nextCheck()}
 * says in Candor's keys, said in nginx's, Apache httpd's, HAProxy's or Envoy's. Null where the proxy has no
 * setting of its own for it (the catalogue's causes then speak alone).
 */
final class ProxyTerms {

    private ProxyTerms() {
    }

    static String nextCheck(Proxy proxy, ErrorType type) {
        return switch (proxy) {
            case CANDOR -> type.nextCheck();
            case NGINX -> nginx(type);
            case APACHE -> apache(type);
            case HAPROXY -> haproxy(type);
            case ENVOY -> envoy(type);
        };
    }

    private static String nginx(ErrorType type) {
        return switch (type) {
            case CONNECTION_REFUSED -> "check the address in proxy_pass or the upstream block's server line, and that the"
                    + " backend listens on it (ss -ltnp on the backend host)";
            case CONNECTION_TIMEOUT -> "try a TCP connect from the nginx host; proxy_connect_timeout (default 60s) is how"
                    + " long nginx waits, raise it only if the network is known to be slow";
            case HTTP_RESPONSE_TIMEOUT -> "compare proxy_read_timeout (default 60s) with the backend's latency for this URI;"
                    + " raise it for this location only if such latency is expected";
            case CONNECTION_READ_TIMEOUT -> "proxy_read_timeout also bounds the silence between two reads of the body;"
                    + " check what the backend was doing at that time";
            case CONNECTION_TERMINATED -> "check the backend's logs; if it happened on a reused connection, keep the upstream"
                    + " block's keepalive_timeout below the backend's own keep-alive timeout (with proxy_http_version 1.1"
                    + " and proxy_set_header Connection \"\")";
            case HTTP_RESPONSE_INCOMPLETE -> "check the backend's logs and restarts at that time; proxy_next_upstream cannot"
                    + " help once the response has started";
            case HTTP_RESPONSE_HEADER_SECTION_SIZE -> "raise proxy_buffer_size (default one memory page, 4k or 8k) or make the"
                    + " backend send smaller headers (cookies)";
            case HTTP_PROTOCOL_ERROR -> "send the request to the backend directly and read the raw answer; a proxy_pass to"
                    + " http:// on a port that speaks TLS or HTTP/2 only gives this";
            case DESTINATION_UNAVAILABLE -> "every server of the upstream block is marked failed (max_fails, fail_timeout) or"
                    + " down: find the errors just before this one, they say why";
            case DNS_ERROR, DNS_TIMEOUT -> "resolve the name from the nginx host (dig NAME); with a variable in proxy_pass,"
                    + " check the resolver and resolver_timeout directives";
            case TLS_PROTOCOL_ERROR -> "run openssl s_client -connect ADDRESS; compare proxy_ssl_protocols and"
                    + " proxy_ssl_ciphers with what the backend offers";
            case TLS_CERTIFICATE_ERROR -> "inspect the certificate (openssl s_client -connect ADDRESS -servername NAME) against"
                    + " proxy_ssl_trusted_certificate and proxy_ssl_name";
            case CONNECTION_LIMIT_REACHED -> "the server's max_conns is reached; look at the backend's latency before raising it";
            case DESTINATION_IP_UNROUTABLE -> "check the address and the nginx host's routes (ip route get ADDRESS)";
            case HTTP_UPGRADE_FAILED -> "a WebSocket location needs proxy_http_version 1.1 and the Upgrade and Connection"
                    + " headers set with proxy_set_header";
            case DESTINATION_NOT_FOUND, HTTP_REQUEST_ERROR, HTTP_REQUEST_DENIED, PROXY_INTERNAL_ERROR -> null;
        };
    }

    private static String apache(ErrorType type) {
        return switch (type) {
            case CONNECTION_REFUSED -> "check the URL in ProxyPass or BalancerMember, and that the backend listens on it"
                    + " (ss -ltnp on the backend host)";
            case CONNECTION_TIMEOUT -> "try a TCP connect from the httpd host; connectiontimeout= on ProxyPass (default:"
                    + " Timeout, 60s) is how long httpd waits";
            case HTTP_RESPONSE_TIMEOUT, CONNECTION_READ_TIMEOUT -> "compare ProxyTimeout (default: Timeout, 60s) or timeout= on"
                    + " ProxyPass with the backend's latency for this URI";
            case CONNECTION_TERMINATED -> "check the backend's logs; if it happened on a reused connection, set ttl= on"
                    + " ProxyPass below the backend's keep-alive timeout (or disablereuse=On)";
            case HTTP_RESPONSE_INCOMPLETE -> "check the backend's logs and restarts at that time";
            case HTTP_RESPONSE_HEADER_SECTION_SIZE -> "raise ResponseFieldSize (mod_proxy_http, default 8190 bytes) or make the"
                    + " backend send smaller headers";
            case HTTP_PROTOCOL_ERROR -> "send the request to the backend directly and read the raw answer; an http:// URL in"
                    + " ProxyPass for a port that speaks TLS gives this";
            case DESTINATION_UNAVAILABLE -> "the worker is in error state for retry= seconds (default 60) after a failure:"
                    + " find the error just before this one, it says why";
            case DNS_ERROR, DNS_TIMEOUT -> "resolve the name in ProxyPass from the httpd host (dig NAME)";
            case TLS_PROTOCOL_ERROR -> "run openssl s_client -connect ADDRESS; check SSLProxyEngine On and SSLProxyProtocol";
            case TLS_CERTIFICATE_ERROR -> "inspect the certificate against SSLProxyCACertificateFile, SSLProxyVerify and"
                    + " SSLProxyCheckPeerName";
            case CONNECTION_LIMIT_REACHED -> "max= on ProxyPass (or the MPM's threads) is reached; look at the backend's latency";
            case DESTINATION_IP_UNROUTABLE -> "check the address and the httpd host's routes (ip route get ADDRESS)";
            case HTTP_UPGRADE_FAILED -> "a WebSocket backend needs upgrade=websocket on ProxyPass (or mod_proxy_wstunnel)";
            case DESTINATION_NOT_FOUND, HTTP_REQUEST_ERROR, HTTP_REQUEST_DENIED, PROXY_INTERNAL_ERROR -> null;
        };
    }

    private static String haproxy(ErrorType type) {
        return switch (type) {
            case CONNECTION_REFUSED -> "check the server line's address and port, and that the backend listens on it"
                    + " (ss -ltnp on the backend host)";
            case CONNECTION_TIMEOUT -> "try a TCP connect from the HAProxy host; `timeout connect` is how long HAProxy waits"
                    + " for each attempt (`retries` attempts)";
            case HTTP_RESPONSE_TIMEOUT -> "compare `timeout server` with the backend's latency for this URI (Tr in the log)";
            case CONNECTION_READ_TIMEOUT -> "`timeout server` also bounds silence in the middle of the body; check what the"
                    + " backend was doing at that time";
            case CONNECTION_TERMINATED -> "check the backend's logs; if it happened on a reused connection (http-reuse), keep"
                    + " the backend's keep-alive timeout above HAProxy's idle reuse, or add `retry-on conn-failure"
                    + " empty-response`";
            case HTTP_RESPONSE_INCOMPLETE -> "check the backend's logs and restarts at that time";
            case HTTP_RESPONSE_HEADER_SECTION_SIZE, HTTP_PROTOCOL_ERROR -> "`show errors` on the runtime API socket shows the"
                    + " rejected response; a header section larger than tune.bufsize minus tune.maxrewrite is rejected too";
            case DESTINATION_UNAVAILABLE -> "no server of the backend is up: `show servers state` on the runtime API, and the"
                    + " health checks (check, inter, fall, rise) that took them down";
            case DNS_ERROR, DNS_TIMEOUT -> "resolve the server's name from the HAProxy host (dig NAME); check the resolvers"
                    + " section and init-addr";
            case TLS_PROTOCOL_ERROR -> "run openssl s_client -connect ADDRESS; check ssl, ssl-min-ver and ciphers on the"
                    + " server line";
            case TLS_CERTIFICATE_ERROR -> "inspect the certificate against verify required, ca-file and sni on the server line";
            case CONNECTION_LIMIT_REACHED -> "the server's maxconn is reached and the request waited `timeout queue`; look at"
                    + " the backend's latency before raising either";
            case DESTINATION_IP_UNROUTABLE -> "check the address and the HAProxy host's routes (ip route get ADDRESS)";
            case HTTP_UPGRADE_FAILED -> "check that the backend answers the upgrade itself; `timeout tunnel` bounds open tunnels";
            case DESTINATION_NOT_FOUND, HTTP_REQUEST_ERROR, HTTP_REQUEST_DENIED, PROXY_INTERNAL_ERROR -> null;
        };
    }

    private static String envoy(ErrorType type) {
        return switch (type) {
            case CONNECTION_REFUSED -> "check the cluster's endpoint address and port, and that the backend listens on it";
            case CONNECTION_TIMEOUT -> "try a TCP connect from the Envoy host; the cluster's connect_timeout is how long"
                    + " Envoy waits";
            case HTTP_RESPONSE_TIMEOUT -> "compare the route's timeout (default 15s) with the backend's latency";
            case CONNECTION_READ_TIMEOUT -> "the stream idle_timeout (or the route's idle_timeout) ended a silent body;"
                    + " check what the backend was doing";
            case CONNECTION_TERMINATED -> "check the backend's logs; for resets on reused connections set the cluster's"
                    + " common_http_protocol_options.idle_timeout below the backend's keep-alive timeout, or retry_on: reset";
            case HTTP_RESPONSE_INCOMPLETE -> "check the backend's logs and restarts at that time";
            case HTTP_RESPONSE_HEADER_SECTION_SIZE -> "max_response_headers_kb and headers_with_underscores_action bound the"
                    + " upstream's header section";
            case HTTP_PROTOCOL_ERROR -> "send the request to the backend directly; check the cluster's protocol options"
                    + " (HTTP/1.1 vs HTTP/2) and transport_socket";
            case DESTINATION_UNAVAILABLE -> "no healthy host in the cluster: check its health_checks and outlier_detection";
            case DNS_ERROR, DNS_TIMEOUT -> "resolve the cluster's name from the Envoy host (dig NAME); check dns_resolvers";
            case TLS_PROTOCOL_ERROR, TLS_CERTIFICATE_ERROR -> "check the cluster's transport_socket (UpstreamTlsContext:"
                    + " sni, validation_context) with openssl s_client -connect ADDRESS";
            case CONNECTION_LIMIT_REACHED -> "the cluster's circuit_breakers (max_connections, max_pending_requests) tripped";
            case DESTINATION_IP_UNROUTABLE -> "check the address and the Envoy host's routes (ip route get ADDRESS)";
            case DESTINATION_NOT_FOUND -> "no route of the virtual host matches: compare the request's :authority and path"
                    + " with the route configuration";
            case HTTP_REQUEST_DENIED -> "a rate limit or ext_authz filter refused it";
            case HTTP_UPGRADE_FAILED -> "the route needs upgrade_configs with upgrade_type: websocket";
            case HTTP_REQUEST_ERROR, PROXY_INTERNAL_ERROR -> null;
        };
    }
}
