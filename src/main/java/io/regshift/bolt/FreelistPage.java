package io.regshift.bolt;

import java.util.function.LongConsumer;

/**
 * The persisted freelist: a page (with overflow) of sorted u64 page ids. When there are 0xFFFF
 * ids or more, count is 0xFFFF and the real count is the first u64. Read in chunks, since a
 * large database can free millions of pages.
 */
final class FreelistPage {

    private static final int COUNT_IN_BODY = 0xFFFF;
    private static final int CHUNK_IDS = 8192;

    private FreelistPage() {}

    /**
     * Reports each free page id to {@code freed} and returns the freelist's own extent in pages
     * (1 + overflow), or 0 when the page is no freelist (reported to {@code problems}).
     */
    static long read(NodeReader nodes, long page, Problems problems, LongConsumer freed) {
        PageHeader header = nodes.header(page);
        if (header.flags() != PageType.FREELIST) {
            problems.add("page " + page + ": invalid freelist page: page type is " + header.typeName());
            return 0;
        }
        if (header.id() != page) {
            problems.add("page " + page + ": invalid freelist page: id field says "
                    + Long.toUnsignedString(header.id()));
            return 0;
        }
        long extent = header.overflow() + 1;
        if (header.overflow() >= nodes.pages() - page) {
            problems.add("page " + page + ": freelist overflow of " + header.overflow()
                    + " pages runs past the high-water mark (" + nodes.pages() + " pages)");
            extent = nodes.pages() - page;
        }
        long size = extent * nodes.pageSize();
        long start = page * nodes.pageSize();
        long idsAt = start + PageType.HEADER_SIZE;
        long count = header.count();
        if (count == COUNT_IN_BODY) {
            byte[] real = new byte[8];
            nodes.file().readFully(page, idsAt, real, 0, 8);
            count = LittleEndian.u64(real, 0);
            idsAt += 8;
        }
        long room = (start + size - idsAt) / 8;
        if (Long.compareUnsigned(count, room) > 0) {
            problems.add("page " + page + ": freelist count " + Long.toUnsignedString(count)
                    + " does not fit in " + extent + " pages");
            count = room;
        }
        byte[] chunk = new byte[(int) Math.min(count, CHUNK_IDS) * 8];
        for (long done = 0; done < count; ) {
            int ids = (int) Math.min(CHUNK_IDS, count - done);
            nodes.file().readFully(page, idsAt + done * 8, chunk, 0, ids * 8);
            for (int i = 0; i < ids; i++) {
                freed.accept(LittleEndian.u64(chunk, i * 8));
            }
            done += ids;
        }
        return extent;
    }
}
