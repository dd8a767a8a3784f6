package dev.candor.proxy;

/** What the filters know of an exchange once it is routed. */
record RequestFacts(String requestId, String clientIp, String peerIp, String scheme, String hostHeader, Route route,
                    String upgrade, ProxyContext context) implements ProxyFilter.FilterContext {
}
