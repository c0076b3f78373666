package io.regshift.kube;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One pass over one CBOR data item, producing the JSON tree. Follows the decode mode of
 * k8s.io/apimachinery/pkg/runtime/serializer/cbor/internal/modes/decode.go; where it is more
 * lenient (integers beyond int64, bignums, container sizes) the reason is given in place.
 */
final class CborDecoder {
    /** apimachinery's MaxNestedLevels; arrays, maps and tags each count as one level. */
    static final int MAX_NESTING = 64;

    private static final int MAJOR_UNSIGNED = 0;
    private static final int MAJOR_NEGATIVE = 1;
    private static final int MAJOR_BYTES = 2;
    private static final int MAJOR_TEXT = 3;
    private static final int MAJOR_ARRAY = 4;
    private static final int MAJOR_MAP = 5;
    private static final int MAJOR_TAG = 6;
    private static final int MAJOR_SIMPLE = 7;
    private static final int INDEFINITE = 31;
    private static final int BREAK = 0xff;
    private static final long TAG_SELF_DESCRIBED = 55799;

    private static final String[] MAJOR_NAMES = {
        "an unsigned integer", "a negative integer", "a byte string", "a text string",
        "an array", "a map", "a tag", "a simple value or float"};

    private final byte[] data;
    private final int end;
    private int pos;
    private int depth;
    /** Enclosing "expected later encoding" tags 21-23; the innermost decides a byte string's text. */
    private final Deque<Long> laterEncodings = new ArrayDeque<>();

    CborDecoder(byte[] data, int offset, int length) {
        if (offset < 0 || length < 0 || offset > data.length - length) {
            throw new IndexOutOfBoundsException("offset " + offset + ", length " + length
                    + " outside an array of " + data.length + " bytes");
        }
        this.data = data;
        this.pos = offset;
        this.end = offset + length;
    }

    Object decodeSingleItem() {
        if (pos == end) {
            throw new CborException(pos, "no data item (empty input)");
        }
        Object tree = readItem();
        if (pos != end) {
            throw new CborException(pos, (end - pos) + " trailing bytes after the data item");
        }
        return tree;
    }

    private Object readItem() {
        int start = pos;
        int initial = readByte("a data item");
        int major = initial >>> 5;
        int info = initial & 0x1f;
        if (info >= 28 && info <= 30) {
            throw new CborException(start, "reserved additional information " + info);
        }
        if (info == INDEFINITE) {
            return readIndefinite(start, major);
        }
        if (major == MAJOR_SIMPLE) {
            return readSimpleOrFloat(start, info);
        }
        long argument = readArgument(start, info);
        switch (major) {
            case MAJOR_UNSIGNED:
                return argument >= 0 ? (Object) argument : new BigInteger(Long.toUnsignedString(argument));
            case MAJOR_NEGATIVE:
                // Kubernetes rejects values below -2^63 (IntDecConvertSignedOrFail); the tree has
                // BigInteger for exactly this, and a reader should show the value, not refuse it.
                return argument >= 0 ? (Object) (-1 - argument)
                        : BigInteger.ONE.negate().subtract(new BigInteger(Long.toUnsignedString(argument)));
            case MAJOR_BYTES:
                return byteStringText(readDefiniteBytes(start, argument, "byte string"));
            case MAJOR_TEXT:
                return textString(start, readDefiniteBytes(start, argument, "text string"));
            case MAJOR_ARRAY:
                return readArray(start, argument);
            case MAJOR_MAP:
                return readMap(start, argument);
            default:
                return readTag(start, argument);
        }
    }

    private Object readIndefinite(int start, int major) {
        switch (major) {
            case MAJOR_BYTES:
            case MAJOR_TEXT:
                return readChunkedString(start, major);
            case MAJOR_ARRAY:
                return readArray(start, -1);
            case MAJOR_MAP:
                return readMap(start, -1);
            case MAJOR_SIMPLE:
                throw new CborException(start, "break (0xff) outside an indefinite-length item");
            default:
                throw new CborException(start, MAJOR_NAMES[major] + " cannot have indefinite length");
        }
    }

    private Object readChunkedString(int start, int major) {
        String kind = major == MAJOR_TEXT ? "text string" : "byte string";
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        while (!atBreak("indefinite-length " + kind)) {
            int chunkStart = pos;
            int initial = readByte("a string chunk");
            if (initial >>> 5 != major || (initial & 0x1f) == INDEFINITE) {
                throw new CborException(chunkStart, "indefinite-length " + kind
                        + " holds a chunk that is not a definite-length " + kind);
            }
            byte[] chunk = readDefiniteBytes(chunkStart, readArgument(chunkStart, initial & 0x1f), kind);
            if (major == MAJOR_TEXT) {
                textString(chunkStart, chunk); // each chunk must be valid UTF-8 on its own (RFC 8949 3.2.3)
            }
            joined.writeBytes(chunk);
        }
        byte[] bytes = joined.toByteArray();
        return major == MAJOR_TEXT ? textString(start, bytes) : byteStringText(bytes);
    }

    private List<Object> readArray(int start, long length) {
        enterNested(start);
        // Kubernetes caps arrays and maps at 1024 entries (MaxArrayElements); regshift reads
        // what is stored. Capacity is bounded by the bytes left, so a forged length cannot
        // exhaust memory.
        requireAtLeast(start, length, 1, "array");
        List<Object> array = new ArrayList<>((int) Math.min(Math.max(length, 0), end - pos));
        for (long i = 0; length < 0 ? !atBreak("indefinite-length array") : i < length; i++) {
            array.add(readItem());
        }
        depth--;
        return array;
    }

    private Map<String, Object> readMap(int start, long pairs) {
        enterNested(start);
        requireAtLeast(start, pairs, 2, "map");
        Map<String, Object> map = new LinkedHashMap<>();
        for (long i = 0; pairs < 0 ? !atBreak("indefinite-length map") : i < pairs; i++) {
            int keyStart = pos;
            Object key = readItem();
            if (!(key instanceof String)) {
                throw new CborException(keyStart, "map key is " + describe(key) + ", not a string");
            }
            if (map.containsKey(key)) {
                // DupMapKeyEnforcedAPF: duplicate keys make the whole object invalid.
                throw new CborException(keyStart, "duplicate map key \"" + key + "\"");
            }
            if (pos == end) {
                throw new CborException(pos, "truncated input: map key \"" + key + "\" has no value");
            }
            map.put((String) key, readItem());
        }
        depth--;
        return map;
    }

    private Object readTag(int start, long tag) {
        enterNested(start);
        Object content;
        if (tag == TAG_SELF_DESCRIBED) {
            content = readItem();
        } else if (tag == 0 || tag == 1) {
            content = readTimeTag(start, tag);
        } else if (tag == 2 || tag == 3) {
            content = readBignum(start, tag);
        } else if (tag >= 21 && tag <= 23) {
            laterEncodings.push(tag);
            content = readItem();
            laterEncodings.pop();
        } else {
            // UnrecognizedTagContentToAny: any other tag is dropped and its content kept.
            content = readItem();
        }
        depth--;
        return content;
    }

    private String readTimeTag(int start, long tag) {
        int contentStart = pos;
        int major = peekMajor("tag " + tag + " content");
        String time;
        if (tag == 0) {
            if (major != MAJOR_TEXT) {
                throw new CborException(contentStart, "tag 0 (RFC 3339 time) must enclose a text string, not "
                        + MAJOR_NAMES[major]);
            }
            time = CborTimeTag.fromRfc3339((String) readItem());
        } else {
            boolean isFloat = major == MAJOR_SIMPLE && pos < end && (data[pos] & 0x1f) >= 25
                    && (data[pos] & 0x1f) <= 27;
            if (major != MAJOR_UNSIGNED && major != MAJOR_NEGATIVE && !isFloat) {
                throw new CborException(contentStart, "tag 1 (epoch time) must enclose a number, not "
                        + MAJOR_NAMES[major]);
            }
            Object seconds = readItem();
            if (seconds instanceof Long) {
                time = CborTimeTag.fromEpoch((Long) seconds, 0);
            } else if (seconds instanceof Double) {
                double value = (Double) seconds;
                double whole = value < 0 ? Math.ceil(value) : Math.floor(value); // Go's math.Modf
                time = Math.abs(whole) < 1e18
                        ? CborTimeTag.fromEpoch((long) whole, (long) ((value - whole) * 1e9)) : null;
            } else {
                time = null; // beyond int64, as Kubernetes also refuses
            }
        }
        if (time == null) {
            throw new CborException(start, "tag " + tag + " holds a time that is not a valid RFC 3339 time"
                    + " between years 0 and 9999");
        }
        return time;
    }

    /** Kubernetes forbids bignum tags (BignumTagForbidden); regshift shows their value instead. */
    private Object readBignum(int start, long tag) {
        int contentStart = pos;
        int initial = readByte("tag " + tag + " content");
        if (initial >>> 5 != MAJOR_BYTES || (initial & 0x1f) == INDEFINITE) {
            throw new CborException(contentStart, "tag " + tag + " (bignum) must enclose a definite-length"
                    + " byte string");
        }
        BigInteger magnitude = new BigInteger(1,
                readDefiniteBytes(contentStart, readArgument(contentStart, initial & 0x1f), "byte string"));
        BigInteger value = tag == 2 ? magnitude : BigInteger.ONE.negate().subtract(magnitude);
        return value.bitLength() < 64 ? (Object) value.longValue() : value;
    }

    private Object readSimpleOrFloat(int start, int info) {
        double value;
        switch (info) {
            case 20:
                return Boolean.FALSE;
            case 21:
                return Boolean.TRUE;
            case 22:
                return null;
            case 23:
                throw new CborException(start, "undefined is not accepted (Kubernetes only accepts"
                        + " false, true and null)");
            case 24: {
                int simple = readByte("a simple value");
                if (simple < 32) {
                    throw new CborException(start, "simple value " + simple + " must use the one-byte form");
                }
                throw new CborException(start, "simple value " + simple + " is not accepted");
            }
            case 25:
                value = HalfFloat.toDouble((int) readArgument(start, info));
                break;
            case 26:
                value = Float.intBitsToFloat((int) readArgument(start, info));
                break;
            case 27:
                value = Double.longBitsToDouble(readArgument(start, info));
                break;
            default:
                throw new CborException(start, "simple value " + info + " is not accepted");
        }
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            // NaNDecodeForbidden / InfDecodeForbidden: JSON has no such numbers.
            throw new CborException(start, "floating-point " + value + " is not accepted (no JSON equivalent)");
        }
        return value;
    }

    private String textString(int start, byte[] bytes) {
        String text = Utf8Text.strict(bytes, 0, bytes.length);
        if (text == null) {
            throw new CborException(start, "text string is not valid UTF-8");
        }
        return text;
    }

    /**
     * DefaultByteStringType is string: a byte string becomes a Go string, except inside tags
     * 21/22/23, which ask for base64url (unpadded), base64 or base16 text, as JSON would carry it.
     */
    private String byteStringText(byte[] bytes) {
        Long encoding = laterEncodings.peek();
        if (encoding == null) {
            return Utf8Text.lenient(bytes, 0, bytes.length);
        }
        if (encoding == 21) {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        }
        if (encoding == 22) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        return HexFormat.of().formatHex(bytes);
    }

    private long readArgument(int start, int info) {
        if (info < 24) {
            return info;
        }
        int size = 1 << (info - 24);
        if (end - pos < size) {
            throw new CborException(start, "truncated input: item head needs " + size + " more bytes, "
                    + (end - pos) + " remain");
        }
        long value = 0;
        for (int i = 0; i < size; i++) {
            value = (value << 8) | (data[pos++] & 0xff);
        }
        return value;
    }

    private byte[] readDefiniteBytes(int start, long length, String kind) {
        if (length < 0 || length > end - pos) {
            throw new CborException(start, "truncated input: " + kind + " of " + Long.toUnsignedString(length)
                    + " bytes, " + (end - pos) + " remain");
        }
        byte[] bytes = java.util.Arrays.copyOfRange(data, pos, pos + (int) length);
        pos += (int) length;
        return bytes;
    }

    /** Fails early on a length that the remaining bytes cannot possibly hold. */
    private void requireAtLeast(int start, long count, int bytesEach, String kind) {
        if (count == -1) {
            return;
        }
        long remaining = end - pos;
        if (count < 0 || count > remaining / bytesEach) {
            throw new CborException(start, "truncated input: " + kind + " of " + Long.toUnsignedString(count)
                    + " entries, " + remaining + " bytes remain");
        }
    }

    private void enterNested(int start) {
        if (++depth > MAX_NESTING) {
            throw new CborException(start, "nested deeper than " + MAX_NESTING + " levels");
        }
    }

    private boolean atBreak(String inside) {
        if (pos == end) {
            throw new CborException(pos, "truncated input: " + inside + " has no break (0xff)");
        }
        if ((data[pos] & 0xff) == BREAK) {
            pos++;
            return true;
        }
        return false;
    }

    private int peekMajor(String what) {
        if (pos == end) {
            throw new CborException(pos, "truncated input: expected " + what);
        }
        return (data[pos] & 0xff) >>> 5;
    }

    private int readByte(String what) {
        if (pos == end) {
            throw new CborException(pos, "truncated input: expected " + what);
        }
        return data[pos++] & 0xff;
    }

    private static String describe(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Long || value instanceof BigInteger) {
            return "an integer";
        }
        if (value instanceof Double) {
            return "a float";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        return value instanceof List ? "an array" : "a map";
    }
}
