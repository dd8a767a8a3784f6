package dev.candor.testing;

import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;

/**
 * What a WebSocket close frame carried (RFC 6455 §5.5.1), as a {@link WsClient} or a
 * {@link TestWebSocketServer} received it.
 *
 * @param code the status code, or null when the frame had no body
 * @param reason the reason text, empty when there was none, null when the frame had no body
 */
public record WsClose(Integer code, String reason) {

    static WsClose of(CloseWebSocketFrame frame) {
        int code = frame.statusCode();
        return code == -1 ? new WsClose(null, null) : new WsClose(code, frame.reasonText());
    }

    /** A close frame saying the same, as an endpoint answers the close it received (RFC 6455 §5.5.1). */
    CloseWebSocketFrame echo() {
        return code == null ? new CloseWebSocketFrame() : new CloseWebSocketFrame(code, reason);
    }
}
