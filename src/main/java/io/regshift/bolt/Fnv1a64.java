package io.regshift.bolt;

/** FNV-1a 64, the checksum bbolt keeps in each meta page over the meta's first 56 bytes. */
final class Fnv1a64 {

    private static final long OFFSET_BASIS = 0xcbf29ce484222325L;
    private static final long PRIME = 0x100000001b3L;

    private Fnv1a64() {}

    static long hash(byte[] bytes, int offset, int length) {
        long hash = OFFSET_BASIS;
        for (int i = offset; i < offset + length; i++) {
            hash ^= bytes[i] & 0xFF;
            hash *= PRIME;
        }
        return hash;
    }
}
