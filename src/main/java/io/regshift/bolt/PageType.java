package io.regshift.bolt;

/** The page header's flags: exactly one is set on every page bbolt writes. */
final class PageType {

    static final int BRANCH = 0x01;
    static final int LEAF = 0x02;
    static final int META = 0x04;
    static final int FREELIST = 0x10;

    /** Page header: id u64, flags u16, count u16, overflow u32. */
    static final int HEADER_SIZE = 16;

    private PageType() {}

    /** bbolt's own names (page.typ()), so messages read like tx.Check's. */
    static String name(int flags) {
        return switch (flags) {
            case BRANCH -> "branch";
            case LEAF -> "leaf";
            case META -> "meta";
            case FREELIST -> "freelist";
            default -> String.format("unknown<%02x>", flags);
        };
    }
}
