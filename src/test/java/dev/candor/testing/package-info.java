/**
 * The end-to-end test kit: scriptable in-process backends ({@link dev.candor.testing.TestBackend}), a
 * byte-exact socket client ({@link dev.candor.testing.RawHttp}), both ends of a WebSocket
 * ({@link dev.candor.testing.TestWebSocketServer}, {@link dev.candor.testing.WsClient}), a proxy started from
 * YAML with an in-memory access log ({@link dev.candor.testing.ProxyUnderTest}), and one started from a config
 * file with its admin listener, for reloads and {@code /metrics} ({@link dev.candor.testing.AdminUnderTest}).
 * Everything binds 127.0.0.1 port 0.
 */
package dev.candor.testing;
