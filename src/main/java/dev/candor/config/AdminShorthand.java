package dev.candor.config;

import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;

/** Binds {@code admin} from either its scalar form ({@code off}) or its mapping form. */
final class AdminShorthand extends ValueDeserializer<RawConfig.Admin> {

    @Override
    public RawConfig.Admin deserialize(JsonParser p, DeserializationContext ctxt) {
        if (p.currentToken().isScalarValue()) {
            RawConfig.Admin shorthand = new RawConfig.Admin();
            shorthand.shorthand = p.getString();
            return shorthand;
        }
        return ctxt.readValue(p, RawConfig.Admin.class);
    }
}
