package io.regshift.kube;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A hand-written strict RFC 8259 parser over UTF-8 bytes producing the project's JSON tree.
 * Strings decode the way Go's encoding/json decodes them: invalid UTF-8 bytes and unpaired
 * surrogate escapes become U+FFFD, so a tree holds exactly what kubectl would print.
 */
final class JsonParser {
    /** Go's decoder gives up at this depth too. */
    private static final int MAX_DEPTH = 10_000;
    private static final char REPLACEMENT = '\uFFFD';

    private final byte[] in;
    private final int end;
    private int pos;
    private final KeyCache keys = new KeyCache();
    /** Reused by every string that needs decoding, so escapes cost no allocation per character. */
    private char[] chars = new char[64];
    /** Result of the last {@link #decodeUtf8} call; a field so decoding allocates nothing. */
    private int decodedCodePoint;

    JsonParser(byte[] utf8) {
        this.in = utf8;
        this.end = utf8.length;
    }

    Object parseDocument() {
        skipWhitespace();
        Object value = parseValue();
        skipWhitespace();
        if (pos < end) {
            throw error(pos, "unexpected " + describe(pos) + " after top-level value");
        }
        return value;
    }

    /**
     * Parses one value with an explicit stack of open containers rather than recursion, so
     * nesting as deep as Go accepts cannot overflow the thread's stack.
     */
    private Object parseValue() {
        List<Object> open = new ArrayList<>(); // Map or List, innermost last
        List<String> pendingKeys = new ArrayList<>(); // the key awaiting a value, per open object
        while (true) {
            Object value;
            if (pos >= end) {
                throw error(pos, "unexpected end of input, expected a value");
            }
            byte b = in[pos];
            if (b == '{' || b == '[') {
                if (open.size() >= MAX_DEPTH) {
                    throw error(pos, "exceeded max nesting depth of " + MAX_DEPTH);
                }
                pos++;
                skipWhitespace();
                if (b == '{') {
                    Map<String, Object> map = new LinkedHashMap<>();
                    if (pos < end && in[pos] == '}') {
                        pos++;
                        value = map;
                    } else {
                        open.add(map);
                        pendingKeys.add(objectKey());
                        continue;
                    }
                } else {
                    List<Object> list = new ArrayList<>();
                    if (pos < end && in[pos] == ']') {
                        pos++;
                        value = list;
                    } else {
                        open.add(list);
                        pendingKeys.add(null);
                        continue;
                    }
                }
            } else {
                value = parseScalar(b);
            }
            // Hand the finished value to its container; close every container that ends here.
            while (true) {
                int top = open.size() - 1;
                if (top < 0) {
                    return value;
                }
                Object container = open.get(top);
                skipWhitespace();
                boolean isObject = container instanceof Map;
                if (isObject) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> map = (Map<String, Object>) container;
                    map.put(pendingKeys.get(top), value);
                } else {
                    @SuppressWarnings("unchecked")
                    List<Object> list = (List<Object>) container;
                    list.add(value);
                }
                char close = isObject ? '}' : ']';
                if (pos >= end) {
                    throw error(pos, "unexpected end of input, expected ',' or '" + close + "' in "
                            + (isObject ? "object" : "array"));
                }
                byte next = in[pos++];
                if (next == close) {
                    open.remove(top);
                    pendingKeys.remove(top);
                    value = container;
                    continue;
                }
                if (next != ',') {
                    throw error(pos - 1, "expected ',' or '" + close + "' in " + (isObject ? "object" : "array")
                            + ", found " + describe(pos - 1));
                }
                skipWhitespace();
                if (isObject) {
                    pendingKeys.set(top, objectKey());
                } else if (pos < end && in[pos] == ']') {
                    throw error(pos, "unexpected ']' after ',' in array (trailing comma)");
                }
                break;
            }
        }
    }

    /** Reads {@code "key" :} and leaves the position at the value. */
    private String objectKey() {
        if (pos >= end || in[pos] != '"') {
            throw error(pos, "expected string for object key, found " + describe(pos));
        }
        String key = (String) parseString(true);
        skipWhitespace();
        if (pos >= end || in[pos] != ':') {
            throw error(pos, "expected ':' after object key, found " + describe(pos));
        }
        pos++;
        skipWhitespace();
        return key;
    }

    private Object parseScalar(byte b) {
        switch (b) {
            case '"':
                return parseString(false);
            case 't':
                expectWord("true");
                return Boolean.TRUE;
            case 'f':
                expectWord("false");
                return Boolean.FALSE;
            case 'n':
                expectWord("null");
                return null;
            default:
                if (b == '-' || (b >= '0' && b <= '9')) {
                    return parseNumber();
                }
                throw error(pos, "unexpected " + describe(pos) + ", expected a value");
        }
    }

    private Object parseString(boolean isKey) {
        int start = ++pos; // after the opening quote
        // Fast path: plain ASCII with no escapes is copied straight from the input.
        int i = start;
        while (i < end) {
            byte b = in[i];
            if (b == '"') {
                pos = i + 1;
                if (isKey) {
                    return keys.get(in, start, i - start);
                }
                return new String(in, start, i - start, StandardCharsets.ISO_8859_1);
            }
            if (b == '\\' || b < 0x20) { // negative bytes (non-ASCII) too
                break;
            }
            i++;
        }
        return parseStringSlow(start, i);
    }

    private String parseStringSlow(int start, int firstSpecial) {
        int n = 0;
        for (int k = start; k < firstSpecial; k++) {
            ensureRoom(n + 1);
            chars[n++] = (char) in[k];
        }
        int i = firstSpecial;
        while (true) {
            if (i >= end) {
                throw error(start - 1, "unterminated string");
            }
            int b = in[i] & 0xFF;
            ensureRoom(n + 2);
            if (b == '"') {
                pos = i + 1;
                return new String(chars, 0, n);
            } else if (b == '\\') {
                if (i + 1 >= end) {
                    throw error(start - 1, "unterminated string");
                }
                byte e = in[i + 1];
                switch (e) {
                    case '"': chars[n++] = '"'; i += 2; break;
                    case '\\': chars[n++] = '\\'; i += 2; break;
                    case '/': chars[n++] = '/'; i += 2; break;
                    case 'b': chars[n++] = '\b'; i += 2; break;
                    case 'f': chars[n++] = '\f'; i += 2; break;
                    case 'n': chars[n++] = '\n'; i += 2; break;
                    case 'r': chars[n++] = '\r'; i += 2; break;
                    case 't': chars[n++] = '\t'; i += 2; break;
                    case 'u': {
                        int unit = hex4(i + 2, i);
                        i += 6;
                        if (Character.isHighSurrogate((char) unit) && i + 1 < end
                                && in[i] == '\\' && in[i + 1] == 'u') {
                            int low = hex4(i + 2, i);
                            if (Character.isLowSurrogate((char) low)) {
                                chars[n++] = (char) unit;
                                chars[n++] = (char) low;
                                i += 6;
                                break;
                            }
                        }
                        // Like Go: an unpaired surrogate decodes to U+FFFD.
                        chars[n++] = Character.isSurrogate((char) unit) ? REPLACEMENT : (char) unit;
                        break;
                    }
                    default:
                        throw error(i, "invalid escape '\\" + printable(e) + "' in string");
                }
            } else if (b < 0x20) {
                throw error(i, "invalid control character " + hexByte(b) + " in string (must be escaped)");
            } else if (b < 0x80) {
                chars[n++] = (char) b;
                i++;
            } else {
                i = decodeUtf8(i, b);
                n = appendCodePoint(n, decodedCodePoint);
            }
        }
    }

    /** Decodes one UTF-8 sequence starting at {@code i} the way Go's utf8.DecodeRune does; returns the next index. */
    private int decodeUtf8(int i, int b0) {
        int need;
        int cp;
        int min;
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            need = 1; cp = b0 & 0x1F; min = 0x80;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            need = 2; cp = b0 & 0x0F; min = 0x800;
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            need = 3; cp = b0 & 0x07; min = 0x10000;
        } else {
            decodedCodePoint = REPLACEMENT;
            return i + 1;
        }
        for (int k = 1; k <= need; k++) {
            if (i + k >= end || (in[i + k] & 0xC0) != 0x80) {
                decodedCodePoint = REPLACEMENT; // Go consumes only the first byte of a bad sequence
                return i + 1;
            }
            cp = (cp << 6) | (in[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            decodedCodePoint = REPLACEMENT;
            return i + 1;
        }
        decodedCodePoint = cp;
        return i + need + 1;
    }

    private int appendCodePoint(int n, int cp) {
        if (cp < 0x10000) {
            chars[n++] = (char) cp;
        } else {
            chars[n++] = Character.highSurrogate(cp);
            chars[n++] = Character.lowSurrogate(cp);
        }
        return n;
    }

    private void ensureRoom(int size) {
        if (size > chars.length) {
            char[] bigger = new char[Math.max(size, chars.length * 2)];
            System.arraycopy(chars, 0, bigger, 0, chars.length);
            chars = bigger;
        }
    }

    private int hex4(int at, int escapeStart) {
        if (at + 4 > end) {
            throw error(escapeStart, "invalid escape '\\u': expected 4 hex digits");
        }
        int v = 0;
        for (int k = at; k < at + 4; k++) {
            int d = Character.digit(in[k], 16);
            if (d < 0 || in[k] < 0) {
                throw error(escapeStart, "invalid escape '\\u': expected 4 hex digits");
            }
            v = (v << 4) | d;
        }
        return v;
    }

    private Object parseNumber() {
        int start = pos;
        int i = pos;
        if (in[i] == '-') {
            i++;
        }
        if (i >= end || in[i] < '0' || in[i] > '9') {
            throw error(i, "expected digit in number, found " + describe(i));
        }
        if (in[i] == '0') {
            i++;
            if (i < end && in[i] >= '0' && in[i] <= '9') {
                throw error(i - 1, "leading zero in number");
            }
        } else {
            while (i < end && in[i] >= '0' && in[i] <= '9') {
                i++;
            }
        }
        boolean integral = true;
        if (i < end && in[i] == '.') {
            integral = false;
            i++;
            int digits = i;
            while (i < end && in[i] >= '0' && in[i] <= '9') {
                i++;
            }
            if (i == digits) {
                throw error(i, "expected digit after decimal point, found " + describe(i));
            }
        }
        if (i < end && (in[i] == 'e' || in[i] == 'E')) {
            integral = false;
            i++;
            if (i < end && (in[i] == '+' || in[i] == '-')) {
                i++;
            }
            int digits = i;
            while (i < end && in[i] >= '0' && in[i] <= '9') {
                i++;
            }
            if (i == digits) {
                throw error(i, "expected digit in exponent, found " + describe(i));
            }
        }
        pos = i;
        if (integral) {
            return integer(start, i);
        }
        double d = Double.parseDouble(new String(in, start, i - start, StandardCharsets.ISO_8859_1));
        if (Double.isInfinite(d)) {
            throw error(start, "number " + new String(in, start, i - start, StandardCharsets.ISO_8859_1)
                    + " is out of range of a 64-bit float");
        }
        return d;
    }

    private Object integer(int start, int stop) {
        boolean negative = in[start] == '-';
        int digitsStart = negative ? start + 1 : start;
        if (stop - digitsStart <= 18) { // at most 18 digits always fit a long
            long v = 0;
            for (int k = digitsStart; k < stop; k++) {
                v = v * 10 + (in[k] - '0');
            }
            return negative ? -v : v;
        }
        BigInteger big = new BigInteger(new String(in, start, stop - start, StandardCharsets.ISO_8859_1));
        return big.bitLength() < 64 ? (Object) big.longValue() : big;
    }

    private void expectWord(String word) {
        for (int k = 0; k < word.length(); k++) {
            if (pos + k >= end || in[pos + k] != word.charAt(k)) {
                throw error(pos + k, "invalid literal, expected '" + word + "'");
            }
        }
        pos += word.length();
    }

    private void skipWhitespace() {
        while (pos < end) {
            byte b = in[pos];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return;
            }
            pos++;
        }
    }

    private String describe(int at) {
        if (at >= end) {
            return "end of input";
        }
        int b = in[at] & 0xFF;
        if (b >= 0x20 && b < 0x7F) {
            return "'" + (char) b + "'";
        }
        return "byte " + hexByte(b);
    }

    private static String printable(byte b) {
        int v = b & 0xFF;
        return v >= 0x20 && v < 0x7F ? String.valueOf((char) v) : hexByte(v);
    }

    private static String hexByte(int b) {
        return String.format("0x%02X", b);
    }

    /** Builds the error only when needed: line and column (in characters, 1-based) of byte offset {@code at}. */
    private JsonException error(int at, String what) {
        int line = 1;
        int column = 1;
        for (int k = 0; k < at && k < end; k++) {
            byte b = in[k];
            if (b == '\n') {
                line++;
                column = 1;
            } else if ((b & 0xC0) != 0x80) { // count characters, not UTF-8 continuation bytes
                column++;
            }
        }
        return new JsonException("line " + line + ", column " + column + ": " + what);
    }

    /**
     * Shares one String per distinct short ASCII key: the same few dozen keys repeat across
     * every object, and reusing them saves both allocation and retained memory.
     */
    private static final class KeyCache {
        private static final int SIZE = 1024; // power of two
        private static final int MAX_KEY = 32;
        private final String[] slots = new String[SIZE];

        String get(byte[] in, int start, int len) {
            if (len > MAX_KEY) {
                return new String(in, start, len, StandardCharsets.ISO_8859_1);
            }
            int h = len;
            for (int k = start; k < start + len; k++) {
                h = 31 * h + in[k];
            }
            int slot = (h ^ (h >>> 16)) & (SIZE - 1);
            String cached = slots[slot];
            if (cached != null && matches(cached, in, start, len)) {
                return cached;
            }
            String key = new String(in, start, len, StandardCharsets.ISO_8859_1);
            slots[slot] = key;
            return key;
        }

        private static boolean matches(String s, byte[] in, int start, int len) {
            if (s.length() != len) {
                return false;
            }
            for (int k = 0; k < len; k++) {
                if (s.charAt(k) != in[start + k]) {
                    return false;
                }
            }
            return true;
        }
    }
}
