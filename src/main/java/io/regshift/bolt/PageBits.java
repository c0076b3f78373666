package io.regshift.bolt;

/** One bit per page id below the high-water mark; java.util.BitSet stops at int indexes. */
final class PageBits {

    private final long[] words;

    /** {@code pages} is bounded by the file size, checked when the file was opened. */
    PageBits(long pages) {
        long wordCount = (pages + 63) >>> 6;
        if (wordCount > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("too many pages for a bitset: " + pages);
        }
        words = new long[(int) wordCount];
    }

    boolean get(long page) {
        return (words[(int) (page >>> 6)] & (1L << page)) != 0;
    }

    void set(long page) {
        words[(int) (page >>> 6)] |= 1L << page;
    }
}
