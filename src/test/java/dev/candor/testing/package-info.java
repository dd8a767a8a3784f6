/**
 * The end-to-end test kit: scriptable in-process backends ({@link dev.candor.testing.TestBackend}), a
 * byte-exact socket client ({@link dev.candor.testing.RawHttp}), both ends of a WebSocket
 * ({@link dev.candor.testing.TestWebSocketServer}, {@link dev.candor.testing.WsClient}) and a proxy started from
 * YAML with an in-memory access log ({@link dev.candor.testing.ProxyUnderTest}). Everything binds 127.0.0.1
 * port 0.
 */
package dev.candor.testing;
