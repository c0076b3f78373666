package io.regshift.bolt;

import static io.regshift.bolt.LittleEndian.u32;
import static io.regshift.bolt.LittleEndian.u64;

import java.util.Arrays;

/**
 * One branch or leaf node (a page and its overflow pages) or an inline bucket's page image.
 * Every element is checked once when the node is made, so the accessors need no bounds checks:
 * a key or value that would reach past the node is refused here, not read later.
 *
 * <p>Nodes up to {@link #WHOLE_NODE_LIMIT} are held whole. Larger ones (huge values) hold only
 * the header and element array and read keys and values from the file on demand, so memory
 * follows what is asked for, not what a page header claims.
 */
final class Node {

    static final int ELEMENT_SIZE = 16;
    static final int WHOLE_NODE_LIMIT = 4 << 20;

    private final PositionalFile file;
    private final long page; // for an inline bucket, the page holding it
    private final boolean inline;
    private final boolean leaf;
    private final int count;
    private final long start; // file offset of the node's first byte
    private final long size;
    private final byte[] bytes; // the whole node, or only header and elements
    private final boolean whole;

    Node(PositionalFile file, long page, boolean inline, boolean leaf, int count, long start, long size,
            byte[] bytes, boolean whole) {
        this.file = file;
        this.page = page;
        this.inline = inline;
        this.leaf = leaf;
        this.count = count;
        this.start = start;
        this.size = size;
        this.bytes = bytes;
        this.whole = whole;
        checkElements();
    }

    /** An inline bucket: {@code image} is the bucket value after its 16-byte header. */
    static Node inline(PositionalFile file, long page, long imageStart, byte[] image) {
        if (image.length < PageType.HEADER_SIZE) {
            throw new BoltException(file.path(), page,
                    "inline bucket value too short: " + image.length + " bytes after the bucket header");
        }
        int flags = LittleEndian.u16(image, 8);
        if (flags != PageType.LEAF) {
            throw new BoltException(file.path(), page, String.format(
                    "inline bucket: page type is %s (flags 0x%x), expected leaf", PageType.name(flags), flags));
        }
        int count = LittleEndian.u16(image, 10);
        return new Node(file, page, true, true, count, imageStart, image.length, image, true);
    }

    private void checkElements() {
        String kind = leaf ? "leaf" : "branch";
        long elementsEnd = PageType.HEADER_SIZE + (long) count * ELEMENT_SIZE;
        if (elementsEnd > size) {
            throw fail(count + " " + kind + " elements do not fit in " + size + " bytes");
        }
        for (int i = 0; i < count; i++) {
            int element = PageType.HEADER_SIZE + i * ELEMENT_SIZE;
            long pos = u32(bytes, element + (leaf ? 4 : 0));
            long keySize = u32(bytes, element + (leaf ? 8 : 4));
            long valueSize = leaf ? u32(bytes, element + 12) : 0;
            if (keySize > Keys.MAX_KEY_SIZE) {
                throw fail(kind + " element " + i + " has a key of " + keySize
                        + " bytes, more than bbolt allows (" + Keys.MAX_KEY_SIZE + ")");
            }
            if (valueSize > Keys.MAX_VALUE_SIZE) {
                throw fail(kind + " element " + i + " has a value of " + valueSize
                        + " bytes, more than bbolt allows (" + Keys.MAX_VALUE_SIZE + ")");
            }
            if (element + pos + keySize + valueSize > size) {
                throw fail(kind + " element " + i + " points past the page");
            }
        }
    }

    private BoltException fail(String problem) {
        return new BoltException(file.path(), page, inline ? "inline bucket: " + problem : problem);
    }

    long page() {
        return page;
    }

    boolean isLeaf() {
        return leaf;
    }

    boolean isInline() {
        return inline;
    }

    int count() {
        return count;
    }

    /** Bytes the node spans in the file. */
    long size() {
        return size;
    }

    /** The array behind this node, for a cursor to reuse when it reads its next leaf. */
    byte[] buffer() {
        return bytes;
    }

    private static int element(int i) {
        return PageType.HEADER_SIZE + i * ELEMENT_SIZE;
    }

    int keyLength(int i) {
        return (int) u32(bytes, element(i) + (leaf ? 8 : 4));
    }

    /** Where key i starts, relative to the node: bbolt's pos counts from the element itself. */
    private long keyPosition(int i) {
        int element = element(i);
        return element + u32(bytes, element + (leaf ? 4 : 0));
    }

    int valueLength(int i) {
        return (int) u32(bytes, element(i) + 12);
    }

    boolean isBucket(int i) {
        return (u32(bytes, element(i)) & 1) != 0;
    }

    long child(int i) {
        return u64(bytes, element(i) + 8);
    }

    /** Absolute file offset of value i. */
    long valueOffset(int i) {
        return start + keyPosition(i) + keyLength(i);
    }

    byte[] key(int i) {
        int length = keyLength(i);
        if (whole) {
            int from = (int) keyPosition(i);
            return Arrays.copyOfRange(bytes, from, from + length);
        }
        byte[] key = new byte[length];
        file.readFully(page, start + keyPosition(i), key, 0, length);
        return key;
    }

    /** Copies key i to {@code dst[0..]}; the caller has made room for {@link #keyLength}. */
    void copyKey(int i, byte[] dst) {
        int length = keyLength(i);
        if (whole) {
            System.arraycopy(bytes, (int) keyPosition(i), dst, 0, length);
        } else {
            file.readFully(page, start + keyPosition(i), dst, 0, length);
        }
    }

    byte[] value(int i) {
        return valuePrefix(i, Integer.MAX_VALUE);
    }

    /** Value i as a slice of the node's own array when it is in memory, else read into a new one. */
    void value(int i, Cursor.ValueSink sink) {
        int length = valueLength(i);
        long from = keyPosition(i) + keyLength(i);
        if (whole) {
            sink.accept(bytes, (int) from, length);
        } else {
            sink.accept(value(i), 0, length);
        }
    }

    /** The first {@code max} bytes of value i (all of it when shorter). */
    byte[] valuePrefix(int i, int max) {
        int length = Math.min(valueLength(i), max);
        long from = keyPosition(i) + keyLength(i);
        if (whole) {
            return Arrays.copyOfRange(bytes, (int) from, (int) from + length);
        }
        byte[] value = new byte[length];
        file.readFully(page, start + from, value, 0, length);
        return value;
    }

    /** bytes.Compare(key i, key[0, length)). */
    int compareKey(int i, byte[] key, int length) {
        if (whole) {
            int from = (int) keyPosition(i);
            return Arrays.compareUnsigned(bytes, from, from + keyLength(i), key, 0, length);
        }
        return Arrays.compareUnsigned(key(i), 0, keyLength(i), key, 0, length);
    }

    /** bytes.Compare(key i-1, key i): negative in a sound leaf. */
    int compareAdjacentKeys(int i) {
        if (whole) {
            int from = (int) keyPosition(i - 1);
            int to = (int) keyPosition(i);
            return Arrays.compareUnsigned(bytes, from, from + keyLength(i - 1), bytes, to, to + keyLength(i));
        }
        return Arrays.compareUnsigned(key(i - 1), key(i));
    }

    /** Index of the first key >= {@code key}, or count when there is none: where a leaf seek lands. */
    int seek(byte[] key) {
        int low = 0;
        int high = count;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (compareKey(middle, key, key.length) < 0) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    /**
     * The branch element whose subtree holds {@code key}: the last one whose key is <= it, or the
     * first when every key is larger (bbolt's cursor.searchPage).
     */
    int childFor(byte[] key) {
        int i = seek(key);
        if (i < count && compareKey(i, key, key.length) == 0) {
            return i;
        }
        return Math.max(0, i - 1);
    }
}
