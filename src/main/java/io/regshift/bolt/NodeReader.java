package io.regshift.bolt;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads branch and leaf nodes by page id, refusing anything that is not one: a page id outside
 * the data, a header whose id is not its position, other page types, overflow past the data.
 */
final class NodeReader {

    private final PositionalFile file;
    private final int pageSize;
    private final long pages; // meta.pgid: the high-water mark
    private final BranchCache branches = new BranchCache();

    NodeReader(PositionalFile file, int pageSize, long pages) {
        this.file = file;
        this.pageSize = pageSize;
        this.pages = pages;
    }

    Path path() {
        return file.path();
    }

    PositionalFile file() {
        return file;
    }

    long pages() {
        return pages;
    }

    int pageSize() {
        return pageSize;
    }

    /** The header of a page inside the data, unchecked. */
    PageHeader header(long page) {
        checkInData(page);
        byte[] header = new byte[PageType.HEADER_SIZE];
        file.readFully(page, page * pageSize, header, 0, header.length);
        return PageHeader.parse(header);
    }

    /**
     * The branch or leaf node at {@code page}. A leaf may be read into {@code scratch} (when it
     * is large enough), so a scanning cursor allocates nothing per page; branches get their own
     * array, since they are cached and shared.
     */
    Node read(long page, byte[] scratch) {
        return read(page, scratch, false);
    }

    /**
     * The node at {@code page} for a walk that looks at keys, not values (the page check): on a
     * mapped file a leaf is held as its header and elements, and its keys are read on demand, so
     * checking a snapshot does not copy its gigabyte of values.
     */
    Node readStructure(long page) {
        return read(page, null, file.mapped());
    }

    private Node read(long page, byte[] scratch, boolean structureOnly) {
        Node cached = branches.get(page);
        if (cached != null) {
            return cached;
        }
        checkInData(page);
        long start = page * pageSize;
        // mapped, a read costs no system call: read the header, then exactly the bytes needed;
        // through the channel, one read of the first page saves a call for single-page nodes
        boolean mapped = file.mapped();
        byte[] first = mapped ? new byte[PageType.HEADER_SIZE]
                : scratch != null && scratch.length >= pageSize ? scratch : new byte[pageSize];
        file.readFully(page, start, first, 0, mapped ? PageType.HEADER_SIZE : pageSize);
        PageHeader header = PageHeader.parse(first);
        if (header.id() != page) {
            throw new BoltException(path(), page, "page id field says " + Long.toUnsignedString(header.id()));
        }
        boolean leaf = header.flags() == PageType.LEAF;
        if (!leaf && header.flags() != PageType.BRANCH) {
            throw new BoltException(path(), page, String.format(
                    "page type is %s (flags 0x%x), expected branch or leaf", header.typeName(), header.flags()));
        }
        if (header.overflow() >= pages - page) {
            throw new BoltException(path(), page, "overflow of " + header.overflow()
                    + " pages runs past the high-water mark (" + pages + " pages)");
        }
        long size = (header.overflow() + 1) * pageSize;
        long elementsEnd = PageType.HEADER_SIZE + (long) header.count() * Node.ELEMENT_SIZE;
        if (elementsEnd > size) {
            throw new BoltException(path(), page, header.count() + " " + header.typeName()
                    + " elements do not fit in " + size + " bytes");
        }
        boolean whole = size <= Node.WHOLE_NODE_LIMIT && !(structureOnly && leaf);
        int needed = (int) (whole ? size : elementsEnd);
        byte[] bytes;
        if (mapped) {
            bytes = leaf && scratch != null && scratch.length >= needed ? scratch : new byte[needed];
            file.readFully(page, start, bytes, 0, needed);
        } else {
            bytes = buffer(first, first == scratch && !leaf, needed);
            if (needed > pageSize) {
                file.readFully(page, start + pageSize, bytes, pageSize, needed - pageSize);
            }
        }
        Node node = new Node(file, page, false, leaf, header.count(), start, size, bytes, whole);
        if (!leaf && whole) {
            branches.put(node);
        }
        return node;
    }

    /** {@code first} holds the first page; keep it when it may be kept and is large enough. */
    private static byte[] buffer(byte[] first, boolean borrowed, int needed) {
        if (!borrowed && first.length >= needed) {
            return first;
        }
        return Arrays.copyOf(first, Math.max(needed, 0));
    }

    private void checkInData(long page) {
        if (page < 2) {
            throw new BoltException(path(), page, "a meta page referenced as a tree page");
        }
        if (page >= pages) {
            throw new BoltException(path(), page, "beyond the high-water mark (" + pages + " pages)");
        }
    }
}
