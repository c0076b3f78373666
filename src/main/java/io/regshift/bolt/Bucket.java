package io.regshift.bolt;

import java.nio.charset.StandardCharsets;

/**
 * A bucket: a B+tree of keys and values, or for a small bucket a single leaf stored inline in
 * its parent. Immutable; any number of threads may use one.
 */
public final class Bucket {

    private final NodeReader nodes;
    private final long rootPage; // 0 when inline
    private final Node inlineRoot;
    private final long sequence;
    /** Bytes a cursor may read before the tree must be referencing pages twice. */
    private final long readBudget;

    private Bucket(NodeReader nodes, long rootPage, Node inlineRoot, long sequence, long readBudget) {
        this.nodes = nodes;
        this.rootPage = rootPage;
        this.inlineRoot = inlineRoot;
        this.sequence = sequence;
        this.readBudget = readBudget;
    }

    static Bucket atPage(NodeReader nodes, long rootPage, long sequence, long readBudget) {
        return new Bucket(nodes, rootPage, null, sequence, readBudget);
    }

    /** A sub-bucket, or null when {@code name} is absent; fails when it names a plain key. */
    public Bucket bucket(byte[] name) {
        Node leaf = leafFor(name);
        int i = leaf.seek(name);
        if (i == leaf.count() || leaf.compareKey(i, name, name.length) != 0) {
            return null;
        }
        if (!leaf.isBucket(i)) {
            throw new BoltException(nodes.path(), leaf.page(), Keys.display(name) + " is a key, not a bucket");
        }
        long[] header = BucketValue.header(nodes, leaf, i);
        if (header[0] != 0) {
            return new Bucket(nodes, header[0], null, header[1], readBudget);
        }
        return new Bucket(nodes, 0, BucketValue.inlinePage(nodes, leaf, i), header[1], readBudget);
    }

    public Bucket bucket(String name) {
        return bucket(name.getBytes(StandardCharsets.UTF_8));
    }

    /** The value stored under {@code key}, or null when absent (or when it names a sub-bucket, as in bbolt). */
    public byte[] get(byte[] key) {
        Node leaf = leafFor(key);
        int i = leaf.seek(key);
        if (i == leaf.count() || leaf.compareKey(i, key, key.length) != 0 || leaf.isBucket(i)) {
            return null;
        }
        return leaf.value(i);
    }

    /** Every entry in key order. */
    public Cursor cursor() {
        return new BucketCursor(nodes, rootPage, inlineRoot, null, readBudget);
    }

    /** Entries whose key is >= {@code from}, in key order; found by descending the tree. */
    public Cursor cursor(byte[] from) {
        return new BucketCursor(nodes, rootPage, inlineRoot, from.clone(), readBudget);
    }

    public long sequence() {
        return sequence;
    }

    /** True for a small bucket stored inside its parent's leaf rather than in pages of its own. */
    public boolean isInline() {
        return inlineRoot != null;
    }

    /** The bucket's root page, or 0 when it is inline. */
    public long rootPage() {
        return rootPage;
    }

    /**
     * The last key in the bucket, or null when it is empty: found by descending the rightmost
     * children, so that etcd's head revision costs a few page reads, not a scan.
     */
    public byte[] lastKey() {
        Node node = inlineRoot;
        if (node == null) {
            TreePath path = new TreePath(nodes.path());
            long page = rootPage;
            while (true) {
                path.checkNotOnPath(page);
                node = nodes.read(page, null);
                if (node.isLeaf()) {
                    break;
                }
                if (node.count() == 0) {
                    throw new BoltException(nodes.path(), page, "branch page has no elements");
                }
                path.push(node, node.count() - 1);
                page = node.child(node.count() - 1);
            }
        }
        return node.count() == 0 ? null : node.key(node.count() - 1);
    }

    /** The leaf whose key range holds {@code key}: one binary search per level. */
    private Node leafFor(byte[] key) {
        if (inlineRoot != null) {
            return inlineRoot;
        }
        TreePath path = new TreePath(nodes.path());
        long page = rootPage;
        while (true) {
            path.checkNotOnPath(page);
            Node node = nodes.read(page, null);
            if (node.isLeaf()) {
                return node;
            }
            if (node.count() == 0) {
                throw new BoltException(nodes.path(), page, "branch page has no elements");
            }
            int child = node.childFor(key);
            path.push(node, child);
            page = node.child(child);
        }
    }

    @Override
    public String toString() {
        return inlineRoot != null ? "Bucket[inline in page " + inlineRoot.page() + "]" : "Bucket[root page " + rootPage + "]";
    }
}
