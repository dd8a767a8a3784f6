package dev.candor.config;

import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;

/** Binds {@code access_log} from either its scalar form ({@code off}) or its mapping form. */
final class AccessLogShorthand extends ValueDeserializer<RawConfig.AccessLog> {

    @Override
    public RawConfig.AccessLog deserialize(JsonParser p, DeserializationContext ctxt) {
        if (p.currentToken().isScalarValue()) {
            RawConfig.AccessLog shorthand = new RawConfig.AccessLog();
            shorthand.shorthand = p.getString();
            return shorthand;
        }
        return ctxt.readValue(p, RawConfig.AccessLog.class);
    }
}
