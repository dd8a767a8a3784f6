/** Listeners, the downstream pipeline, client-side timeouts and graceful drain; the proxy's entry point. */
package dev.candor.server;
