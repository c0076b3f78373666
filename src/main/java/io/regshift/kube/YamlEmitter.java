package io.regshift.kube;

import java.util.List;
import java.util.Map;

/**
 * Writes a JSON tree as one YAML document, character for character as go-yaml v2's emitter does
 * for the events its encoder produces (block collections, empty ones as {} and [], scalar styles
 * chosen as its stringv does). The fields are the emitter state its layout decisions depend on.
 */
final class YamlEmitter {
    private static final int BEST_INDENT = 2;
    /** go-yaml v2 folds long plain and quoted scalars at spaces past this column; kubectl keeps that. */
    private static final int BEST_WIDTH = 80;
    /** Longer keys (in UTF-8 bytes) are written in the explicit "? key" form. */
    private static final int MAX_SIMPLE_KEY_BYTES = 128;

    private enum Style { PLAIN, SINGLE_QUOTED, DOUBLE_QUOTED, LITERAL }

    private final StringBuilder out = new StringBuilder();
    private final YamlKeyOrder keyOrder = new YamlKeyOrder();

    private int column;
    /** The last thing written was whitespace, so an indicator needs no space before it. */
    private boolean whitespace = true;
    /** Only indentation has been written on the current line so far. */
    private boolean indention = true;
    private int indent = -1;
    private int[] indents = new int[16];
    private int indentDepth;
    private boolean mappingContext;
    private boolean simpleKeyContext;

    static String document(Object tree) {
        YamlEmitter emitter = new YamlEmitter();
        emitter.node(tree, false, false);
        emitter.writeIndent(); // document end
        return emitter.out.toString();
    }

    private void node(Object value, boolean mapping, boolean simpleKey) {
        mappingContext = mapping;
        simpleKeyContext = simpleKey;
        if (value instanceof Map) {
            mapping((Map<?, ?>) value);
        } else if (value instanceof List) {
            sequence((List<?>) value);
        } else {
            scalar(value);
        }
    }

    private void mapping(Map<?, ?> map) {
        if (map.isEmpty()) {
            writeIndicator("{", true, true, false);
            writeIndicator("}", false, false, false);
            return;
        }
        String[] keys = new String[map.size()];
        int n = 0;
        for (Object key : map.keySet()) {
            if (!(key instanceof String)) {
                throw new JsonException("yaml: mapping key is not a string: " + key);
            }
            keys[n++] = (String) key;
        }
        keyOrder.sort(keys);
        increaseIndent(false, false);
        for (String key : keys) {
            writeIndent();
            String text = GoStrings.withoutLoneSurrogates(key);
            YamlScalarAnalysis analysis = YamlScalarAnalysis.of(text);
            if (!analysis.multiline && utf8Length(text) <= MAX_SIMPLE_KEY_BYTES) {
                mappingContext = true;
                simpleKeyContext = true;
                string(text, analysis);
                writeIndicator(":", false, false, false);
            } else {
                writeIndicator("?", true, false, true);
                mappingContext = true;
                simpleKeyContext = false;
                string(text, analysis);
                writeIndent();
                writeIndicator(":", true, false, true);
            }
            node(map.get(key), true, false);
        }
        popIndent();
    }

    private void sequence(List<?> list) {
        if (list.isEmpty()) {
            writeIndicator("[", true, true, false);
            writeIndicator("]", false, false, false);
            return;
        }
        // A sequence that is a mapping value starts on the key's own indentation.
        increaseIndent(false, mappingContext && !indention);
        for (Object item : list) {
            writeIndent();
            writeIndicator("-", true, false, true);
            node(item, false, false);
        }
        popIndent();
    }

    private void scalar(Object value) {
        if (value instanceof String) {
            String text = GoStrings.withoutLoneSurrogates((String) value);
            string(text, YamlScalarAnalysis.of(text));
        } else if (value == null) {
            plainWord("null");
        } else if (value instanceof Boolean) {
            plainWord(value.toString());
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short
                || value instanceof Byte || value instanceof java.math.BigInteger || value instanceof Double) {
            plainWord(YamlNumbers.format((Number) value));
        } else {
            throw new JsonException("yaml: unsupported type " + value.getClass().getName() + " in tree");
        }
    }

    private void plainWord(String text) {
        emitScalar(text, YamlScalarAnalysis.of(text), Style.PLAIN);
    }

    /** go-yaml v2's stringv: literal block for text with newlines, plain when it reads back as itself, else double quotes. */
    private void string(String text, YamlScalarAnalysis analysis) {
        Style style;
        if (text.indexOf('\n') >= 0) {
            style = Style.LITERAL;
        } else if (YamlImplicitTypes.readsBackAsString(text)) {
            style = Style.PLAIN;
        } else {
            style = Style.DOUBLE_QUOTED;
        }
        emitScalar(text, analysis, style);
    }

    /** The emitter's own fallback from the requested style to one that can carry the text. */
    private void emitScalar(String text, YamlScalarAnalysis analysis, Style requested) {
        Style style = requested;
        if (simpleKeyContext && analysis.multiline) {
            style = Style.DOUBLE_QUOTED;
        }
        if (style == Style.PLAIN
                && (!analysis.blockPlainAllowed || (text.isEmpty() && simpleKeyContext))) {
            style = Style.SINGLE_QUOTED;
        }
        if (style == Style.SINGLE_QUOTED && !analysis.singleQuotedAllowed) {
            style = Style.DOUBLE_QUOTED;
        }
        if (style == Style.LITERAL && (!analysis.blockAllowed || simpleKeyContext)) {
            style = Style.DOUBLE_QUOTED;
        }
        increaseIndent(true, false);
        boolean allowBreaks = !simpleKeyContext;
        switch (style) {
            case PLAIN:
                writePlain(text, allowBreaks);
                break;
            case SINGLE_QUOTED:
                writeSingleQuoted(text, allowBreaks);
                break;
            case DOUBLE_QUOTED:
                writeDoubleQuoted(text, allowBreaks);
                break;
            default:
                writeLiteral(text);
                break;
        }
        popIndent();
    }

    private void writePlain(String text, boolean allowBreaks) {
        if (!whitespace) {
            put(' ');
        }
        if (!canFold(text, allowBreaks)) {
            // Plain text never holds line breaks, so with no fold possible it is copied whole.
            out.append(text);
            column += text.codePointCount(0, text.length());
            whitespace = false;
            indention = false;
            return;
        }
        boolean spaces = false;
        boolean breaks = false;
        int n = text.length();
        for (int i = 0; i < n; ) {
            int c = text.codePointAt(i);
            int next = i + Character.charCount(c);
            if (c == ' ') {
                if (allowBreaks && !spaces && column > BEST_WIDTH && !spaceAt(text, next)) {
                    writeIndent(); // the space becomes the line fold
                } else {
                    write(c);
                }
                spaces = true;
            } else if (YamlScalarAnalysis.isBreak(c)) {
                if (!breaks && c == '\n') {
                    putBreak();
                }
                writeBreak(c);
                indention = true;
                breaks = true;
            } else {
                if (breaks) {
                    writeIndent();
                }
                write(c);
                indention = false;
                spaces = false;
                breaks = false;
            }
            i = next;
        }
        whitespace = false;
        indention = false;
    }

    private void writeSingleQuoted(String text, boolean allowBreaks) {
        writeIndicator("'", true, false, false);
        boolean spaces = false;
        boolean breaks = false;
        int n = text.length();
        for (int i = 0; i < n; ) {
            int c = text.codePointAt(i);
            int next = i + Character.charCount(c);
            if (c == ' ') {
                if (allowBreaks && !spaces && column > BEST_WIDTH && i > 0 && next < n && !spaceAt(text, next)) {
                    writeIndent();
                } else {
                    write(c);
                }
                spaces = true;
            } else if (YamlScalarAnalysis.isBreak(c)) {
                if (!breaks && c == '\n') {
                    putBreak();
                }
                writeBreak(c);
                indention = true;
                breaks = true;
            } else {
                if (breaks) {
                    writeIndent();
                }
                if (c == '\'') {
                    put('\'');
                }
                write(c);
                indention = false;
                spaces = false;
                breaks = false;
            }
            i = next;
        }
        writeIndicator("'", false, false, false);
        whitespace = false;
        indention = false;
    }

    private void writeDoubleQuoted(String text, boolean allowBreaks) {
        writeIndicator("\"", true, false, false);
        // go-yaml checks for a BOM at the start of the value instead of at each character,
        // so a value starting with U+FEFF has every character escaped.
        boolean escapeAll = text.startsWith("\uFEFF");
        if (!escapeAll && !canFold(text, allowBreaks) && needsNoEscape(text)) {
            out.append(text);
            column += text.length();
            writeIndicator("\"", false, false, false);
            whitespace = false;
            indention = false;
            return;
        }
        boolean spaces = false;
        int n = text.length();
        for (int i = 0; i < n; ) {
            int c = text.codePointAt(i);
            int next = i + Character.charCount(c);
            if (escapeAll || !YamlScalarAnalysis.isPrintable(c) || YamlScalarAnalysis.isBreak(c)
                    || c == '"' || c == '\\') {
                escape(c);
                spaces = false;
            } else if (c == ' ') {
                if (allowBreaks && !spaces && column > BEST_WIDTH && i > 0 && next < n) {
                    writeIndent();
                    if (spaceAt(text, next)) {
                        put('\\'); // keeps the following space from being folded away
                    }
                } else {
                    write(c);
                }
                spaces = true;
            } else {
                write(c);
                spaces = false;
            }
            i = next;
        }
        writeIndicator("\"", false, false, false);
        whitespace = false;
        indention = false;
    }

    private void escape(int c) {
        put('\\');
        switch (c) {
            case 0x00: put('0'); return;
            case 0x07: put('a'); return;
            case 0x08: put('b'); return;
            case 0x09: put('t'); return;
            case 0x0A: put('n'); return;
            case 0x0B: put('v'); return;
            case 0x0C: put('f'); return;
            case 0x0D: put('r'); return;
            case 0x1B: put('e'); return;
            case 0x22: put('"'); return;
            case 0x5C: put('\\'); return;
            case 0x85: put('N'); return;
            case 0xA0: put('_'); return;
            case 0x2028: put('L'); return;
            case 0x2029: put('P'); return;
            default:
                int digits;
                if (c <= 0xFF) {
                    put('x');
                    digits = 2;
                } else if (c <= 0xFFFF) {
                    put('u');
                    digits = 4;
                } else {
                    put('U');
                    digits = 8;
                }
                for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
                    put("0123456789ABCDEF".charAt((c >> shift) & 0xF));
                }
        }
    }

    private void writeLiteral(String text) {
        writeIndicator("|", true, false, false);
        int first = text.codePointAt(0);
        if (first == ' ' || YamlScalarAnalysis.isBreak(first)) {
            // Leading space would otherwise be taken for indentation: state the indentation.
            writeIndicator(String.valueOf(BEST_INDENT), false, false, false);
        }
        String chomp = chompingIndicator(text);
        if (!chomp.isEmpty()) {
            writeIndicator(chomp, false, false, false);
        }
        putBreak();
        indention = true;
        whitespace = true;
        boolean breaks = true;
        int n = text.length();
        for (int i = 0; i < n; ) {
            int c = text.codePointAt(i);
            if (YamlScalarAnalysis.isBreak(c)) {
                writeBreak(c);
                indention = true;
                breaks = true;
            } else {
                if (breaks) {
                    writeIndent();
                }
                write(c);
                indention = false;
                breaks = false;
            }
            i += Character.charCount(c);
        }
    }

    /** "-" strips a missing final newline, "" keeps exactly one, "+" keeps several. */
    private static String chompingIndicator(String text) {
        int last = text.codePointBefore(text.length());
        if (!YamlScalarAnalysis.isBreak(last)) {
            return "-";
        }
        int lastStart = text.length() - Character.charCount(last);
        if (lastStart == 0) {
            return "+";
        }
        return YamlScalarAnalysis.isBreak(text.codePointBefore(lastStart)) ? "+" : "";
    }

    private void increaseIndent(boolean flow, boolean indentless) {
        if (indentDepth == indents.length) {
            indents = java.util.Arrays.copyOf(indents, indentDepth * 2);
        }
        indents[indentDepth++] = indent;
        if (indent < 0) {
            indent = flow ? BEST_INDENT : 0;
        } else if (!indentless) {
            indent += BEST_INDENT;
        }
    }

    private void popIndent() {
        indent = indents[--indentDepth];
    }

    private void writeIndent() {
        int target = Math.max(indent, 0);
        if (!indention || column > target || (column == target && !whitespace)) {
            putBreak();
        }
        while (column < target) {
            put(' ');
        }
        whitespace = true;
        indention = true;
    }

    private void writeIndicator(String indicator, boolean needWhitespace, boolean isWhitespace, boolean isIndention) {
        if (needWhitespace && !whitespace) {
            put(' ');
        }
        out.append(indicator);
        column += indicator.length();
        whitespace = isWhitespace;
        indention = indention && isIndention;
    }

    private void put(char c) {
        out.append(c);
        column++;
    }

    private void write(int codePoint) {
        out.appendCodePoint(codePoint);
        column++;
    }

    private void putBreak() {
        out.append('\n');
        column = 0;
    }

    private void writeBreak(int c) {
        if (c == '\n') {
            putBreak();
        } else {
            write(c);
            column = 0;
        }
    }

    /** Whether writing {@code text} from the current column could reach a space past the fold width. */
    private boolean canFold(String text, boolean allowBreaks) {
        return allowBreaks && column + text.length() > BEST_WIDTH && text.indexOf(' ') >= 0;
    }

    /** True when every character is printable BMP text that double quotes carry as itself. */
    private static boolean needsNoEscape(String text) {
        for (int k = 0; k < text.length(); k++) {
            char c = text.charAt(k);
            if (c == '"' || c == '\\' || c == '\n' || Character.isSurrogate(c) || c == 0x2028 || c == 0x2029
                    || !YamlScalarAnalysis.isPrintable(c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean spaceAt(String text, int index) {
        return index < text.length() && text.charAt(index) == ' ';
    }

    private static int utf8Length(String s) {
        int bytes = 0;
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                k++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
