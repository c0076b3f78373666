package io.regshift.kube;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes a JSON tree as Go's encoding/json does for {@code map[string]interface{}}: keys in Go
 * string order, HTML-safe escaping, Go float formatting; compact, or MarshalIndent's layout.
 */
final class JsonWriter {
    private static final String INDENT = "    ";
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    /** ASCII characters that Go copies into a string unescaped (its htmlSafeSet). */
    private static final boolean[] SAFE = new boolean[128];

    static {
        for (int c = 0x20; c < 0x80; c++) {
            SAFE[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&';
        }
    }

    private final StringBuilder out;
    private final boolean indented;
    private boolean keepOrder;
    private int depth;

    private JsonWriter(StringBuilder out, boolean indented) {
        this.out = out;
        this.indented = indented;
    }

    /** Fields in the map's own order, as Go prints a struct: for regshift's record lines. */
    static JsonWriter record(StringBuilder out, boolean indented) {
        JsonWriter w = new JsonWriter(out, indented);
        w.keepOrder = true;
        return w;
    }

    static JsonWriter compact(StringBuilder out) {
        return new JsonWriter(out, false);
    }

    static JsonWriter indented(StringBuilder out) {
        return new JsonWriter(out, true);
    }

    void value(Object v) {
        if (v == null) {
            out.append("null");
        } else if (v instanceof String) {
            string((String) v);
        } else if (v instanceof Map) {
            object((Map<?, ?>) v);
        } else if (v instanceof List) {
            array((List<?>) v);
        } else if (v instanceof Boolean) {
            out.append(((Boolean) v) ? "true" : "false");
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            out.append(((Number) v).longValue());
        } else if (v instanceof BigInteger) {
            out.append(v);
        } else if (v instanceof Double) {
            GoFloat.appendJson(out, (Double) v);
        } else {
            throw new JsonException("json: unsupported type " + v.getClass().getName() + " in tree");
        }
    }

    private void object(Map<?, ?> map) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        String[] keys = keepOrder ? map.keySet().stream().map(String::valueOf).toArray(String[]::new) : sortedKeys(map);
        out.append('{');
        depth++;
        for (int k = 0; k < keys.length; k++) {
            if (k > 0) {
                out.append(',');
            }
            newline();
            string(keys[k]);
            out.append(indented ? ": " : ":");
            value(map.get(keys[k]));
        }
        depth--;
        newline();
        out.append('}');
    }

    private static String[] sortedKeys(Map<?, ?> map) {
        String[] keys = new String[map.size()];
        int n = 0;
        for (Object key : map.keySet()) {
            if (!(key instanceof String)) {
                throw new JsonException("json: object key is not a string: " + key);
            }
            keys[n++] = (String) key;
        }
        Arrays.sort(keys, GoStrings::compare);
        return keys;
    }

    private void array(List<?> list) {
        if (list.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append('[');
        depth++;
        boolean first = true;
        for (Object item : list) {
            if (!first) {
                out.append(',');
            }
            first = false;
            newline();
            value(item);
        }
        depth--;
        newline();
        out.append(']');
    }

    private void newline() {
        if (indented) {
            out.append('\n');
            for (int k = 0; k < depth; k++) {
                out.append(INDENT);
            }
        }
    }

    private void string(String s) {
        out.append('"');
        int n = s.length();
        int copied = 0;
        for (int k = 0; k < n; k++) {
            char c = s.charAt(k);
            if (c < 0x80) {
                if (SAFE[c]) {
                    continue;
                }
            } else if (c != '\u2028' && c != '\u2029' && !Character.isSurrogate(c)) {
                continue;
            } else if (Character.isHighSurrogate(c) && k + 1 < n && Character.isLowSurrogate(s.charAt(k + 1))) {
                k++; // a proper pair is ordinary UTF-8
                continue;
            }
            out.append(s, copied, k);
            copied = k + 1;
            escape(c);
        }
        out.append(s, copied, n).append('"');
    }

    private void escape(char c) {
        switch (c) {
            case '"': out.append("\\\""); return;
            case '\\': out.append("\\\\"); return;
            case '\n': out.append("\\n"); return;
            case '\r': out.append("\\r"); return;
            case '\t': out.append("\\t"); return;
            // Go 1.22 and later write these two short forms too.
            case '\b': out.append("\\b"); return;
            case '\f': out.append("\\f"); return;
            default:
                // Go writes invalid UTF-8 (here: an unpaired surrogate) as the replacement character.
                char shown = Character.isSurrogate(c) ? '\uFFFD' : c;
                out.append("\\u").append(HEX[shown >> 12]).append(HEX[(shown >> 8) & 0xF])
                        .append(HEX[(shown >> 4) & 0xF]).append(HEX[shown & 0xF]);
        }
    }
}
