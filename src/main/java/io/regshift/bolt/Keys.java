package io.regshift.bolt;

import java.util.HexFormat;

/** bbolt orders keys as Go's bytes.Compare does: unsigned, byte by byte, shorter first on a tie. */
final class Keys {

    /** bbolt refuses to store longer keys (MaxKeySize), so a longer one means corruption. */
    static final int MAX_KEY_SIZE = 32768;
    /** bbolt's MaxValueSize: (1 << 31) - 2. */
    static final long MAX_VALUE_SIZE = (1L << 31) - 2;

    private Keys() {}

    static int compare(byte[] a, byte[] b) {
        return java.util.Arrays.compareUnsigned(a, b);
    }

    /** Hex, as bbolt's HexKeyValueStringer prints keys in tx.Check messages; long keys cut short. */
    static String hex(byte[] key) {
        int shown = Math.min(key.length, 64);
        String hex = HexFormat.of().formatHex(key, 0, shown);
        return shown < key.length ? hex + "..." : hex;
    }

    /** A key for a message: quoted when it is printable ASCII (bucket names), else hex. */
    static String display(byte[] key) {
        for (byte b : key) {
            if (b < 0x20 || b > 0x7e) {
                return "0x" + hex(key);
            }
        }
        return "\"" + new String(key, java.nio.charset.StandardCharsets.US_ASCII) + "\"";
    }
}
