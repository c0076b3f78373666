package io.regshift.bolt;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.StringJoiner;

/**
 * The page-graph check bbolt's {@code tx.Check} runs (and {@code etcdutl snapshot status} before
 * anything else): every page below the high-water mark is reachable exactly once or free, tree
 * pages are branches or leaves whose id field is their position, and keys are strictly ordered
 * within each page and against the parent's branch keys. Nested and inline buckets are followed.
 *
 * <p>Without a persisted freelist (etcd's usual NoFreelistSync files) bbolt rebuilds it as the
 * unreachable pages, so only reachability, duplicates, cycles, types and order can be checked.
 * Problems use bbolt's wording where it has one, e.g. {@code "page 3: already freed"}.
 */
public final class BoltChecker {

    /** The check stops after this many problems. */
    public static final int MAX_PROBLEMS = 1000;
    /** Far deeper than real nesting; bounds the walk's memory on a damaged file. */
    static final int MAX_BUCKET_NESTING = 256;

    private final NodeReader nodes;
    private final Meta meta;
    private final long pages;
    private final Problems problems = new Problems(MAX_PROBLEMS);
    private final PageBits reachable;
    private final PageBits freed;
    /** Nodes being walked, innermost first; a page is walked once however often it is referenced. */
    private final Deque<Frame> walk = new ArrayDeque<>();

    private BoltChecker(BoltFile file) {
        this.nodes = file.nodes();
        this.meta = file.meta();
        this.pages = meta.pgid();
        this.reachable = new PageBits(pages);
        this.freed = new PageBits(pages);
    }

    /** One line per problem found, in the order found; empty when the file is sound. */
    public static List<String> check(BoltFile file) {
        return new BoltChecker(file).run();
    }

    private List<String> run() {
        reachable.set(0);
        reachable.set(1);
        if (meta.hasFreelist()) {
            readFreelist();
        }
        enterPage(meta.root(), null, null, null, 0, 0, true);
        walk();
        if (meta.hasFreelist()) {
            for (long page = 0; page < pages && !problems.full(); page++) {
                if (!reachable.get(page) && !freed.get(page)) {
                    problems.add("page " + page + ": unreachable unfreed");
                }
            }
        }
        return problems.list();
    }

    private void readFreelist() {
        long freelist = meta.freelist();
        long extent = FreelistPage.read(nodes, freelist, problems, page -> {
            if (page < 2 || Long.compareUnsigned(page, pages) >= 0) {
                problems.add("page " + Long.toUnsignedString(page) + ": freed, but outside the data pages 2.."
                        + (pages - 1));
            } else if (freed.get(page)) {
                problems.add("page " + page + ": already freed");
            } else {
                freed.set(page);
            }
        });
        for (long i = 0; i < extent; i++) {
            reachable.set(freelist + i);
        }
    }

    private void walk() {
        while (!walk.isEmpty() && !problems.full()) {
            Frame frame = walk.peek();
            Node node = frame.node;
            if (frame.next >= node.count()) {
                walk.pop();
                continue;
            }
            int i = frame.next++;
            if (!node.isLeaf()) {
                byte[] min = node.key(i);
                byte[] max = i + 1 < node.count() ? node.key(i + 1) : frame.max;
                enterPage(node.child(i), frame, min, max, frame.treeDepth + 1, frame.nesting, false);
            } else if (node.isBucket(i)) {
                enterBucket(frame, i);
            }
        }
    }

    /**
     * Checks the page a parent (or a bucket header) refers to and queues it for walking, unless
     * it was walked before or cannot be read as a node.
     */
    private void enterPage(long page, Frame parent, byte[] min, byte[] max, int treeDepth, int nesting,
            boolean bucketRoot) {
        if (page < 2 || Long.compareUnsigned(page, pages) >= 0) {
            problems.add("page " + Long.toUnsignedString(page) + ": out of bounds: " + pages
                    + " (stack: " + stack(parent, page, bucketRoot) + ")");
            return;
        }
        if (treeDepth >= TreePath.MAX_DEPTH) {
            problems.add("page " + page + ": tree deeper than " + TreePath.MAX_DEPTH + " levels (stack: "
                    + stack(parent, page, bucketRoot) + ")");
            return;
        }
        PageHeader header = nodes.header(page);
        boolean walkedBefore = reachable.get(page);
        long extent = header.overflow() + 1;
        if (header.overflow() >= pages - page) {
            problems.add("page " + page + ": overflow of " + header.overflow()
                    + " pages runs past the high-water mark " + pages + " (stack: " + stack(parent, page, bucketRoot) + ")");
            extent = pages - page;
        }
        for (long i = 0; i < extent; i++) {
            if (reachable.get(page + i)) {
                problems.add("page " + (page + i) + ": multiple references (stack: "
                        + stack(parent, page, bucketRoot) + ")");
            }
            reachable.set(page + i);
        }
        if (walkedBefore) {
            return; // once is enough, and it is what ends a cycle
        }
        if (header.id() != page) {
            problems.add("page " + page + ": id field says " + Long.toUnsignedString(header.id())
                    + " (stack: " + stack(parent, page, bucketRoot) + ")");
            return;
        }
        if (freed.get(page)) {
            problems.add("page " + page + ": reachable freed");
        }
        if (header.flags() != PageType.BRANCH && header.flags() != PageType.LEAF) {
            problems.add("page " + page + ": invalid type: " + header.typeName() + " (stack: "
                    + stack(parent, page, bucketRoot) + ")");
            return;
        }
        Node node;
        try {
            node = nodes.readStructure(page);
        } catch (BoltException e) {
            problems.add(e.problem() + " (stack: " + stack(parent, page, bucketRoot) + ")");
            return;
        }
        if (!node.isLeaf() && node.count() == 0) {
            problems.add("page " + page + ": branch page has no elements (stack: " + stack(parent, page, bucketRoot) + ")");
        }
        checkKeys(node, min, max, parent, bucketRoot);
        walk.push(new Frame(parent, node, bucketRoot, treeDepth, nesting, max));
    }

    private void enterBucket(Frame leafFrame, int i) {
        Node leaf = leafFrame.node;
        if (leafFrame.nesting + 1 > MAX_BUCKET_NESTING) {
            problems.add("page " + leaf.page() + ": buckets nested deeper than " + MAX_BUCKET_NESTING);
            return;
        }
        try {
            long[] header = BucketValue.header(nodes, leaf, i);
            if (header[0] != 0) {
                enterPage(header[0], leafFrame, null, null, 0, leafFrame.nesting + 1, true);
                return;
            }
            Node inline = BucketValue.inlinePage(nodes, leaf, i);
            checkKeys(inline, null, null, leafFrame, true);
            walk.push(new Frame(leafFrame, inline, true, 0, leafFrame.nesting + 1, null));
        } catch (BoltException e) {
            problems.add(e.problem());
        }
    }

    /** Keys strictly increasing within the node and inside [min, max) set by the parent. */
    private void checkKeys(Node node, byte[] min, byte[] max, Frame parent, boolean bucketRoot) {
        String kind = node.isLeaf() ? "leaf" : "branch";
        long page = node.page();
        byte[] previous = null;
        for (int i = 0; i < node.count() && !problems.full(); i++) {
            byte[] key = node.key(i);
            if (i == 0 && min != null && Keys.compare(min, key) > 0) {
                problems.add(node.isLeaf()
                        ? String.format("key[%d]=(hex)%s on leaf page(%d) needs to be >= to the key in the ancestor."
                                + " Stack: %s", i, Keys.hex(key), page, stack(parent, page, bucketRoot))
                        : String.format("key (%d, %s) on the branch page(%d) needs to be >= to the index in the"
                                + " ancestor. Pages stack: %s", i, Keys.hex(key), page, stack(parent, page, bucketRoot)));
            }
            if (previous != null) {
                int order = Keys.compare(previous, key);
                if (order >= 0) {
                    problems.add(String.format("key[%d]=(hex)%s on %s page(%d) needs to be > (found %s) than"
                                    + " previous element (hex)%s. Stack: %s", i, Keys.hex(key), kind, page,
                            order > 0 ? "<" : "=", Keys.hex(previous), stack(parent, page, bucketRoot)));
                }
            }
            if (max != null && Keys.compare(key, max) >= 0) {
                problems.add(node.isLeaf()
                        ? String.format("key[%d]=(hex)%s on leaf page(%d) needs to be < than key of the next element"
                                + " in ancestor (hex)%s. Pages stack: %s", i, Keys.hex(key), page, Keys.hex(max),
                                stack(parent, page, bucketRoot))
                        : String.format("key (%d: %s) on the branch page(%d) needs to be < than key of the next"
                                + " element reachable from the ancestor (%s). Pages stack: %s", i, Keys.hex(key), page,
                                Keys.hex(max), stack(parent, page, bucketRoot)));
            }
            previous = key;
        }
    }

    /** bbolt's page stack, as Go prints a []pgid: from the bucket's root page down to {@code page}. */
    private static String stack(Frame parent, long page, boolean bucketRoot) {
        Deque<Long> path = new ArrayDeque<>();
        path.push(page);
        for (Frame frame = bucketRoot ? null : parent; frame != null; frame = frame.parent) {
            path.push(frame.node.page());
            if (frame.bucketRoot) {
                break;
            }
        }
        StringJoiner joined = new StringJoiner(" ", "[", "]");
        path.forEach(id -> joined.add(Long.toUnsignedString(id)));
        return joined.toString();
    }

    /** A node being walked: its children (branch) or its sub-bucket entries (leaf) one at a time. */
    private static final class Frame {
        final Frame parent;
        final Node node;
        final boolean bucketRoot;
        final int treeDepth;
        final int nesting;
        final byte[] max;
        int next;

        Frame(Frame parent, Node node, boolean bucketRoot, int treeDepth, int nesting, byte[] max) {
            this.parent = parent;
            this.node = node;
            this.bucketRoot = bucketRoot;
            this.treeDepth = treeDepth;
            this.nesting = nesting;
            this.max = max;
        }
    }
}
