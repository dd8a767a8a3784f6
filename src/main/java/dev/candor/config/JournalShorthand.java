package dev.candor.config;

import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;

/** Binds {@code journal} from either its scalar form ({@code off}) or its mapping form. */
final class JournalShorthand extends ValueDeserializer<RawConfig.Journal> {

    @Override
    public RawConfig.Journal deserialize(JsonParser p, DeserializationContext ctxt) {
        if (p.currentToken().isScalarValue()) {
            RawConfig.Journal shorthand = new RawConfig.Journal();
            shorthand.shorthand = p.getString();
            return shorthand;
        }
        return ctxt.readValue(p, RawConfig.Journal.class);
    }
}
