package dev.candor.config;

import java.util.regex.Pattern;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamContext;

/** Dotted paths such as {@code upstreams.api.endpoints[0].address} that name a place in the config in messages. */
final class ConfigPath {

    // The outline, the binder and the validators all build paths here, so that lookups by path agree.
    static final String ROOT = "";
    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_-]+");

    private ConfigPath() {
    }

    static String child(String parent, String key) {
        if (!PLAIN_KEY.matcher(key).matches()) {
            // Upstream names may contain dots; quoting keeps the path unambiguous.
            return parent + "[\"" + key.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]";
        }
        return parent.isEmpty() ? key : parent + "." + key;
    }

    static String index(String parent, int index) {
        return parent + "[" + index + "]";
    }

    /** The path of the parser's current token: a key, or the value (scalar or container) it is on. */
    static String of(JsonParser p) {
        TokenStreamContext context = p.streamReadContext();
        JsonToken token = p.currentToken();
        // On START_OBJECT / START_ARRAY the parser has already entered the new container.
        if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
            context = context.getParent();
        }
        return of(context);
    }

    private static String of(TokenStreamContext context) {
        if (context == null || context.inRoot()) {
            return ROOT;
        }
        String container = of(context.getParent());
        if (context.inArray()) {
            return index(container, Math.max(context.getCurrentIndex(), 0));
        }
        String name = context.currentName();
        return name == null ? container : child(container, name);
    }

    /** The path of the mapping or list holding {@code path}; the root's parent is the root. */
    static String parent(String path) {
        if (path.endsWith("]")) {
            return path.substring(0, openingBracket(path));
        }
        int dot = path.lastIndexOf('.');
        int bracket = path.lastIndexOf(']');
        return dot > bracket ? path.substring(0, dot) : ROOT;
    }

    private static int openingBracket(String path) {
        if (!path.endsWith("\"]")) {
            return path.lastIndexOf('[');
        }
        // Inside a quoted key every '"' is escaped, so the last '["' is the one that opens it.
        return path.lastIndexOf("[\"", path.length() - 3);
    }

    /** Where a mapping is, as a phrase: "in upstreams.api", or "at the top level". */
    static String where(String path) {
        return path.isEmpty() ? "at the top level" : "in " + path;
    }
}
