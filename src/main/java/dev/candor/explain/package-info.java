/**
 * {@code candor explain}: other proxies' logs (nginx, Apache httpd, HAProxy, Envoy) and Candor's own, read in
 * one streaming pass and each proxy-made failure classified with the RFC 9209 error types, explanations and
 * confirming commands of {@code failure}; may use {@code failure} and {@code observe}, plain Java, never Netty.
 * Only {@code cli} uses it.
 */
package dev.candor.explain;
