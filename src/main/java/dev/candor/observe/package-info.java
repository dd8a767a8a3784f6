/**
 * What Candor records about requests (traces, the access log written and parsed back, metrics, recent
 * failures); may use {@code config} and {@code failure}, plain Java and Log4j2, never Netty.
 */
package dev.candor.observe;
