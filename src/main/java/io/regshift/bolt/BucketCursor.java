package io.regshift.bolt;

import java.nio.file.Path;

/**
 * Walks a bucket's leaves left to right, holding the branch path above the current leaf. Leaves
 * are read into one reused array, so a scan allocates only what key() and value() return.
 *
 * <p>Keys come out strictly increasing or not at all: a leaf out of order fails the scan, which
 * also catches a leaf reached twice. A page that is its own ancestor is refused at once, and a
 * scan never reads more bytes than the data holds (no sound tree needs to), so a damaged tree
 * cannot make a scan endless.
 */
final class BucketCursor implements Cursor {

    private final NodeReader nodes;
    private final Path file;
    private final long rootPage;
    private final Node inlineRoot;
    private final byte[] from;
    private final long readBudget;
    private final TreePath path;

    private long bytesRead;
    private byte[] scratch;
    private Node leaf;
    private int at;
    private boolean started;
    private boolean finished;
    private BoltException failure;
    /** The last key of the previous non-empty leaf: the next leaf must start after it. */
    private byte[] lastKey = new byte[64];
    private int lastKeyLength = -1;

    BucketCursor(NodeReader nodes, long rootPage, Node inlineRoot, byte[] from, long readBudget) {
        this.nodes = nodes;
        this.file = nodes.path();
        this.rootPage = rootPage;
        this.inlineRoot = inlineRoot;
        this.from = from;
        this.readBudget = readBudget;
        this.path = new TreePath(file);
    }

    @Override
    public boolean next() {
        if (failure != null) {
            throw failure; // a damaged tree stays damaged: no skipping past the bad page
        }
        try {
            return advance();
        } catch (BoltException e) {
            failure = e;
            throw e;
        }
    }

    private boolean advance() {
        if (finished) {
            return false;
        }
        if (started) {
            if (++at < leaf.count()) {
                if (leaf.compareAdjacentKeys(at) >= 0) {
                    throw new BoltException(file, leaf.page(), "leaf key " + at + " is not after key " + (at - 1));
                }
                return true;
            }
            return nextLeaf();
        }
        started = true;
        if (inlineRoot != null) {
            leaf = inlineRoot;
            at = from == null ? 0 : leaf.seek(from);
        } else {
            descend(rootPage, from);
        }
        return at < leaf.count() || nextLeaf();
    }

    /** From {@code page} down to a leaf: the first child, or the one whose range holds {@code key}. */
    private void descend(long page, byte[] key) {
        while (true) {
            path.checkNotOnPath(page);
            Node node = nodes.read(page, scratch);
            bytesRead += node.size();
            if (bytesRead > readBudget) {
                throw new BoltException(file, page, "the tree reads more bytes than the data holds ("
                        + readBudget + "): pages are referenced more than once " + path);
            }
            if (node.isLeaf()) {
                leaf = node;
                scratch = node.buffer();
                at = key == null ? 0 : node.seek(key);
                return;
            }
            if (node.count() == 0) {
                throw new BoltException(file, page, "branch page has no elements");
            }
            int child = key == null ? 0 : node.childFor(key);
            path.push(node, child);
            page = node.child(child);
        }
    }

    /** Moves to the first entry of the next non-empty leaf; false when there is none. */
    private boolean nextLeaf() {
        while (true) {
            rememberLastKey();
            int level = path.depth() - 1;
            while (level >= 0 && path.taken(level) + 1 >= path.node(level).count()) {
                level--;
            }
            if (level < 0) {
                path.truncate(0);
                finished = true;
                leaf = null;
                return false;
            }
            int child = path.takeNext(level);
            descend(path.node(level).child(child), null);
            if (leaf.count() > 0) {
                checkAfterLastKey();
                at = 0;
                return true;
            }
        }
    }

    private void rememberLastKey() {
        int count = leaf.count();
        if (count == 0) {
            return;
        }
        int length = leaf.keyLength(count - 1);
        if (length > lastKey.length) {
            lastKey = new byte[Math.max(length, lastKey.length * 2)];
        }
        leaf.copyKey(count - 1, lastKey);
        lastKeyLength = length;
    }

    private void checkAfterLastKey() {
        if (lastKeyLength >= 0 && leaf.compareKey(0, lastKey, lastKeyLength) <= 0) {
            throw new BoltException(file, leaf.page(), "first key is not after the previous leaf's last key:"
                    + " pages out of order or referenced twice " + path);
        }
    }

    private void requireEntry() {
        if (leaf == null || at >= leaf.count()) {
            throw new IllegalStateException(started ? "the cursor is past the last entry" : "call next() first");
        }
    }

    @Override
    public byte[] key() {
        requireEntry();
        return leaf.key(at);
    }

    @Override
    public byte[] value() {
        requireEntry();
        return leaf.value(at);
    }

    @Override
    public void value(ValueSink sink) {
        requireEntry();
        leaf.value(at, sink);
    }

    @Override
    public boolean isBucket() {
        requireEntry();
        return leaf.isBucket(at);
    }

    @Override
    public long valueOffset() {
        requireEntry();
        return leaf.valueOffset(at);
    }

    @Override
    public int valueLength() {
        requireEntry();
        return leaf.valueLength(at);
    }

    @Override
    public int keyLength() {
        requireEntry();
        return leaf.keyLength(at);
    }

    @Override
    public int key(byte[] dst) {
        requireEntry();
        int length = leaf.keyLength(at);
        if (length <= dst.length) {
            leaf.copyKey(at, dst);
        }
        return length;
    }
}
