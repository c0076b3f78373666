package io.regshift.bolt;

import java.util.Arrays;

/**
 * A sub-bucket's value in its parent's leaf: a 16-byte header (root page, sequence) and, for an
 * inline bucket (root 0), the bucket's single leaf page right after it.
 */
final class BucketValue {

    static final int HEADER_SIZE = 16;

    private BucketValue() {}

    /** The header of the bucket stored as entry {@code i} of {@code leaf}: {root, sequence}. */
    static long[] header(NodeReader nodes, Node leaf, int i) {
        int length = leaf.valueLength(i);
        if (length < HEADER_SIZE) {
            throw new BoltException(nodes.path(), leaf.page(), "bucket " + Keys.display(leaf.key(i))
                    + ": value of " + length + " bytes is shorter than the " + HEADER_SIZE + "-byte bucket header");
        }
        byte[] header = leaf.valuePrefix(i, HEADER_SIZE);
        return new long[] {LittleEndian.u64(header, 0), LittleEndian.u64(header, 8)};
    }

    /** The page inside an inline bucket's value (root 0). */
    static Node inlinePage(NodeReader nodes, Node leaf, int i) {
        int length = leaf.valueLength(i);
        // bbolt inlines a bucket only when it fits in a quarter page; refuse to load a huge one
        if (length > Node.WHOLE_NODE_LIMIT) {
            throw new BoltException(nodes.path(), leaf.page(), "inline bucket " + Keys.display(leaf.key(i))
                    + " of " + length + " bytes: bbolt inlines only buckets smaller than a page");
        }
        byte[] value = leaf.value(i);
        byte[] image = Arrays.copyOfRange(value, Math.min(HEADER_SIZE, value.length), value.length);
        return Node.inline(nodes.file(), leaf.page(), leaf.valueOffset(i) + HEADER_SIZE, image);
    }
}
