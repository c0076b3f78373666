package io.regshift.kube;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes a JSON tree the way apimachinery's encode mode (internal/modes/encode.go) does:
 * strings as byte strings (String: StringToByteString), definite lengths, shortest heads,
 * floats in the narrowest width that keeps the value (ShortestFloat16), NaN and infinities
 * refused, and map entries sorted by the bytes of their encoded keys (SortBytewiseLexical).
 */
final class CborEncoder {
    private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    byte[] encodeSelfDescribed(Object tree) {
        out.write(0xd9);
        out.write(0xd9);
        out.write(0xf7);
        write(tree, "$");
        return out.toByteArray();
    }

    private void write(Object value, String path) {
        if (value == null) {
            out.write(0xf6);
        } else if (value instanceof Boolean) {
            out.write((Boolean) value ? 0xf5 : 0xf4);
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short
                || value instanceof Byte) {
            long number = ((Number) value).longValue();
            writeHead(number < 0 ? 1 : 0, number < 0 ? -1 - number : number);
        } else if (value instanceof BigInteger) {
            writeBigInteger((BigInteger) value);
        } else if (value instanceof Double || value instanceof Float) {
            writeFloat(((Number) value).doubleValue(), path);
        } else if (value instanceof String) {
            writeByteString(((String) value).getBytes(StandardCharsets.UTF_8));
        } else if (value instanceof List) {
            List<?> array = (List<?>) value;
            writeHead(4, array.size());
            for (int i = 0; i < array.size(); i++) {
                write(array.get(i), path + "[" + i + "]");
            }
        } else if (value instanceof Map) {
            writeMap((Map<?, ?>) value, path);
        } else {
            throw new IllegalArgumentException("cannot encode " + value.getClass().getName() + " at " + path
                    + ": not a JSON tree value");
        }
    }

    private void writeMap(Map<?, ?> map, String path) {
        List<byte[]> keys = new ArrayList<>(map.size());
        List<Object> values = new ArrayList<>(map.size());
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(entry.getKey() instanceof String)) {
                throw new IllegalArgumentException("cannot encode map key " + entry.getKey() + " at " + path
                        + ": keys must be strings");
            }
            keys.add(((String) entry.getKey()).getBytes(StandardCharsets.UTF_8));
            values.add(entry.getValue());
        }
        // Sorting on the encoded key is the same as sorting byte-string keys by length, then by
        // content, because the head that carries the length sorts numerically.
        Integer[] order = new Integer[keys.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> {
            byte[] left = keys.get(a);
            byte[] right = keys.get(b);
            return left.length != right.length ? Integer.compare(left.length, right.length)
                    : Arrays.compareUnsigned(left, right);
        });
        writeHead(5, order.length);
        for (int index : order) {
            writeByteString(keys.get(index));
            write(values.get(index), path + "." + new String(keys.get(index), StandardCharsets.UTF_8));
        }
    }

    /**
     * Values that fit 64 bits take major type 0/1, like any integer; larger ones take bignum
     * tags 2/3. Kubernetes itself never writes either (its Unstructured holds only int64).
     */
    private void writeBigInteger(BigInteger value) {
        boolean negative = value.signum() < 0;
        BigInteger magnitude = negative ? value.negate().subtract(BigInteger.ONE) : value;
        if (magnitude.compareTo(TWO_TO_64) < 0) {
            writeHead(negative ? 1 : 0, magnitude.longValue());
            return;
        }
        byte[] bytes = magnitude.toByteArray();
        int skip = bytes[0] == 0 ? 1 : 0; // toByteArray adds a sign byte
        writeHead(6, negative ? 3 : 2);
        writeByteString(Arrays.copyOfRange(bytes, skip, bytes.length));
    }

    private void writeFloat(double value, String path) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("cannot encode " + value + " at " + path
                    + ": Kubernetes rejects NaN and infinities (NaNConvertReject, InfConvertReject)");
        }
        int half = HalfFloat.exactBits(value);
        if (half != HalfFloat.NOT_EXACT) {
            out.write(0xf9);
            writeBigEndian(half, 2);
        } else if ((double) (float) value == value) {
            out.write(0xfa);
            writeBigEndian(Float.floatToIntBits((float) value), 4);
        } else {
            out.write(0xfb);
            writeBigEndian(Double.doubleToLongBits(value), 8);
        }
    }

    private void writeByteString(byte[] bytes) {
        writeHead(2, bytes.length);
        out.writeBytes(bytes);
    }

    /** Shortest head for the argument, which is an unsigned 64-bit value held in a long. */
    private void writeHead(int major, long argument) {
        int type = major << 5;
        if (argument >= 0 && argument < 24) {
            out.write(type | (int) argument);
        } else if (argument >= 0 && argument <= 0xff) {
            out.write(type | 24);
            writeBigEndian(argument, 1);
        } else if (argument >= 0 && argument <= 0xffff) {
            out.write(type | 25);
            writeBigEndian(argument, 2);
        } else if (argument >= 0 && argument <= 0xffffffffL) {
            out.write(type | 26);
            writeBigEndian(argument, 4);
        } else {
            out.write(type | 27);
            writeBigEndian(argument, 8);
        }
    }

    private void writeBigEndian(long value, int size) {
        for (int shift = (size - 1) * 8; shift >= 0; shift -= 8) {
            out.write((int) (value >>> shift) & 0xff);
        }
    }
}
