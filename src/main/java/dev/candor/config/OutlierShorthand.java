package dev.candor.config;

import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;

/** Binds {@code outlier_detection} from either its scalar form ({@code off}) or its mapping form. */
final class OutlierShorthand extends ValueDeserializer<RawConfig.OutlierDetection> {

    @Override
    public RawConfig.OutlierDetection deserialize(JsonParser p, DeserializationContext ctxt) {
        if (p.currentToken().isScalarValue()) {
            RawConfig.OutlierDetection shorthand = new RawConfig.OutlierDetection();
            shorthand.shorthand = p.getString();
            return shorthand;
        }
        return ctxt.readValue(p, RawConfig.OutlierDetection.class);
    }
}
