package io.regshift.bolt;

/** The 16 bytes every page starts with, as read, before anything is trusted. */
record PageHeader(long id, int flags, int count, long overflow) {

    static PageHeader parse(byte[] bytes) {
        return new PageHeader(
                LittleEndian.u64(bytes, 0),
                LittleEndian.u16(bytes, 8),
                LittleEndian.u16(bytes, 10),
                LittleEndian.u32(bytes, 12));
    }

    String typeName() {
        return PageType.name(flags);
    }
}
