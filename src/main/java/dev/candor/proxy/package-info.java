/** The per-request engine: validation, routing, header rules, forwarding with backpressure and local replies. */
package dev.candor.proxy;
