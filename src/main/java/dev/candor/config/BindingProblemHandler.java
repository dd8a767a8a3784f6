package dev.candor.config;

import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.deser.DeserializationProblemHandler;
import tools.jackson.databind.deser.ValueInstantiator;

import static java.util.Objects.requireNonNull;

/**
 * Turns what Jackson would throw while binding (unknown keys, a list where a mapping belongs, ...)
 * into recorded problems and skips the offending value, so one run reports every such mistake.
 */
final class BindingProblemHandler extends DeserializationProblemHandler {

    // Keys of the spec that later work will add; saying so beats a bare "unknown key".
    private static final Set<String> NOT_YET_SUPPORTED = Set.of("cache");

    private final Problems problems;

    BindingProblemHandler(Problems problems) {
        this.problems = requireNonNull(problems, "problems");
    }

    @Override
    public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, ValueDeserializer<?> deserializer,
            Object beanOrClass, String propertyName) {
        String path = ConfigPath.of(p);
        String allowed = allowedKeys(deserializer.getKnownPropertyNames());
        String later = NOT_YET_SUPPORTED.contains(propertyName) ? "; '" + propertyName + "' is not supported yet" : "";
        problems.atKey(path, "unknown key '" + propertyName + "' " + ConfigPath.where(ConfigPath.parent(path))
                + " (expected one of: " + allowed + later + ")");
        p.skipChildren();
        return true;
    }

    @Override
    public Object handleUnexpectedToken(DeserializationContext ctxt, JavaType targetType, JsonToken t, JsonParser p,
            String failureMsg) {
        wrongShape(p, targetType.getRawClass());
        return null;
    }

    @Override
    public Object handleMissingInstantiator(DeserializationContext ctxt, Class<?> instClass,
            ValueInstantiator valueInsta, JsonParser p, String msg) {
        wrongShape(p, instClass);
        return null;
    }

    private void wrongShape(JsonParser p, Class<?> expected) {
        problems.at(ConfigPath.of(p), "expected " + describeExpected(expected) + ", found " + describeFound(p));
        p.skipChildren();
    }

    private static String allowedKeys(Collection<Object> names) {
        return names.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }

    private static String describeExpected(Class<?> type) {
        if (type == RawConfig.Admin.class) {
            return "off or a mapping with 'address' and 'token'";
        }
        if (type == RawConfig.AccessLog.class) {
            return "off or a mapping with 'path'";
        }
        if (type == RawConfig.OutlierDetection.class) {
            return "off or a mapping of keys";
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (type == String.class) {
            return "a single value";
        }
        return "a mapping of keys";
    }

    private static String describeFound(JsonParser p) {
        return switch (p.currentToken()) {
            case START_OBJECT -> "a mapping";
            case START_ARRAY -> "a list";
            case VALUE_NULL -> "nothing";
            default -> "'" + p.getString() + "'";
        };
    }
}
