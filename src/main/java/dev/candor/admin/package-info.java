/**
 * The admin listener: the JSON API, Prometheus metrics, the live dashboard and config reload. May use
 * {@code server} and everything below it, and Netty; used only by {@code cli}.
 */
package dev.candor.admin;
