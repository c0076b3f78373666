package io.regshift.bolt;

/**
 * One meta page as read: which of the two it is (0 or 1), its fields, and whether it is valid
 * (bbolt's own rule, magic, version 2 and FNV-1a checksum, plus fields that point inside the
 * data); {@code problem} says why when it is not, and is empty when it is.
 */
public record Meta(
        int index,
        long magic,
        int version,
        int pageSize,
        long root,
        long sequence,
        long freelist,
        long pgid,
        long txid,
        long checksum,
        boolean valid,
        String problem) {

    /** The {@code freelist} value that means no freelist was persisted (etcd's NoFreelistSync). */
    public static final long NO_FREELIST = 0xFFFFFFFFFFFFFFFFL;

    /** True when the file carries a freelist page; false for etcd's usual NoFreelistSync files. */
    public boolean hasFreelist() {
        return freelist != NO_FREELIST;
    }
}
