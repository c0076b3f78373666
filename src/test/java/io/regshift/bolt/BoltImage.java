package io.regshift.bolt;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Test-only bbolt writer: lays buckets out as bbolt does (metas with FNV-1a checksums, leaf and
 * branch pages with overflow, inline and nested buckets, an optional freelist and snapshot hash
 * trailer) so tests can read the result back, and corrupt chosen bytes of it.
 */
final class BoltImage {

    /** A bucket's content: keys to values (byte[]) or to sub-buckets (Tree). */
    static final class Tree {
        final TreeMap<byte[], Object> entries = new TreeMap<>(Arrays::compareUnsigned);
        long sequence;

        Tree put(String key, String value) {
            return put(bytes(key), bytes(value));
        }

        Tree put(byte[] key, byte[] value) {
            entries.put(key, value);
            return this;
        }

        /** The sub-bucket {@code name}, created empty when absent. */
        Tree bucket(String name) {
            return (Tree) entries.computeIfAbsent(bytes(name), k -> new Tree());
        }

        Tree sequence(long value) {
            sequence = value;
            return this;
        }
    }

    private record Element(byte[] key, byte[] value, boolean bucket, long child) {}

    private final int pageSize;
    final Tree root = new Tree();
    private int maxEntriesPerNode = Integer.MAX_VALUE;
    private boolean inlineSmallBuckets = true;
    private boolean persistedFreelist = true;
    private int freePages;
    private long firstDataPage = -1;
    private long txid0 = 5;
    private long txid1 = 4;
    private boolean snapshotTrailer;
    private long tailPadding;

    // the layout, filled by write()
    private final TreeMap<Long, byte[]> nodes = new TreeMap<>();
    private final Map<String, Long> bucketRoots = new HashMap<>();
    private final Map<String, List<Long>> leaves = new HashMap<>();
    private final Map<String, List<Long>> branches = new HashMap<>();
    private long nextPage;
    private long rootPage;
    private long freelistPage;
    private long pgid;

    BoltImage(int pageSize) {
        this.pageSize = pageSize;
    }

    BoltImage() {
        this(4096);
    }

    /** Split nodes after this many entries as well as by size: deep trees from few keys. */
    BoltImage maxEntriesPerNode(int max) {
        maxEntriesPerNode = max;
        return this;
    }

    BoltImage inlineSmallBuckets(boolean inline) {
        inlineSmallBuckets = inline;
        return this;
    }

    /** False: freelist = 0xFFFFFFFFFFFFFFFF, as etcd writes (NoFreelistSync). */
    BoltImage persistedFreelist(boolean persisted) {
        persistedFreelist = persisted;
        return this;
    }

    /** Unused pages after the data, listed in the freelist when there is one. */
    BoltImage freePages(int count) {
        freePages = count;
        return this;
    }

    /** Start the tree pages at {@code page}, leaving a hole (sparse in the file) before it. */
    BoltImage firstDataPage(long page) {
        firstDataPage = page;
        return this;
    }

    BoltImage txids(long meta0, long meta1) {
        txid0 = meta0;
        txid1 = meta1;
        return this;
    }

    BoltImage snapshotTrailer(boolean trailer) {
        snapshotTrailer = trailer;
        return this;
    }

    /** Bytes after the last page, like the preallocated tail of a member database. */
    BoltImage tailPadding(long bytes) {
        tailPadding = bytes;
        return this;
    }

    int pageSize() {
        return pageSize;
    }

    long rootPage() {
        return rootPage;
    }

    long freelistPage() {
        return freelistPage;
    }

    long pgid() {
        return pgid;
    }

    /** Root page of the bucket at {@code path} ("key", "a/b"; "" is the root bucket); 0 when inline. */
    long bucketRoot(String path) {
        return bucketRoots.get(path);
    }

    List<Long> leafPages(String bucketPath) {
        return leaves.getOrDefault(bucketPath, List.of());
    }

    List<Long> branchPages(String bucketPath) {
        return branches.getOrDefault(bucketPath, List.of());
    }

    /** File offset of page {@code page}. */
    long offset(long page) {
        return page * pageSize;
    }

    /** Writes the file (sparse: holes stay holes) and returns it. */
    Path write(Path file) {
        layOut();
        long imageSize = pgid * pageSize;
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            out.setLength(0);
            out.setLength(imageSize + tailPadding + (snapshotTrailer ? 32 : 0));
            out.seek(0);
            out.write(metaPage(0, txid0));
            out.write(metaPage(1, txid1));
            for (Map.Entry<Long, byte[]> node : nodes.entrySet()) {
                out.seek(node.getKey() * pageSize);
                out.write(node.getValue());
            }
            if (snapshotTrailer) {
                out.seek(imageSize + tailPadding);
                out.write(sha256(out, imageSize + tailPadding));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private void layOut() {
        nodes.clear();
        bucketRoots.clear();
        leaves.clear();
        branches.clear();
        nextPage = 2;
        freelistPage = Meta.NO_FREELIST;
        if (persistedFreelist) {
            freelistPage = nextPage;
            nextPage += freelistNode(0, new long[freePages]).length / pageSize;
        }
        if (firstDataPage >= 0) {
            nextPage = firstDataPage;
        }
        rootPage = writeBucket(root, "");
        long[] free = new long[freePages];
        for (int i = 0; i < freePages; i++) {
            free[i] = nextPage++;
        }
        pgid = nextPage;
        if (persistedFreelist) {
            nodes.put(freelistPage, freelistNode(freelistPage, free));
        }
    }

    /** Writes a bucket's pages and returns its root page id. */
    private long writeBucket(Tree tree, String path) {
        List<Element> elements = new ArrayList<>();
        for (Map.Entry<byte[], Object> entry : tree.entries.entrySet()) {
            if (entry.getValue() instanceof Tree child) {
                String childPath = path.isEmpty() ? string(entry.getKey()) : path + "/" + string(entry.getKey());
                elements.add(new Element(entry.getKey(), bucketValue(child, childPath), true, 0));
            } else {
                elements.add(new Element(entry.getKey(), (byte[]) entry.getValue(), false, 0));
            }
        }
        List<Element> level = new ArrayList<>();
        for (List<Element> group : split(elements, true)) {
            long page = nextPage;
            byte[] node = leafNode(page, group);
            nodes.put(page, node);
            nextPage += node.length / pageSize;
            leaves.computeIfAbsent(path, p -> new ArrayList<>()).add(page);
            level.add(new Element(group.isEmpty() ? new byte[0] : group.get(0).key(), null, false, page));
        }
        while (level.size() > 1) {
            List<Element> upper = new ArrayList<>();
            for (List<Element> group : split(level, false)) {
                long page = nextPage;
                byte[] node = branchNode(page, group);
                nodes.put(page, node);
                nextPage += node.length / pageSize;
                branches.computeIfAbsent(path, p -> new ArrayList<>()).add(page);
                upper.add(new Element(group.get(0).key(), null, false, page));
            }
            level = upper;
        }
        long rootOfBucket = level.get(0).child();
        bucketRoots.put(path, rootOfBucket);
        return rootOfBucket;
    }

    private byte[] bucketValue(Tree child, String path) {
        boolean hasBuckets = child.entries.values().stream().anyMatch(v -> v instanceof Tree);
        long inlineSize = 16;
        for (Map.Entry<byte[], Object> e : child.entries.entrySet()) {
            inlineSize += 16 + e.getKey().length + (e.getValue() instanceof byte[] v ? v.length : 0);
        }
        if (inlineSmallBuckets && !hasBuckets && inlineSize <= pageSize / 4) {
            List<Element> elements = new ArrayList<>();
            child.entries.forEach((k, v) -> elements.add(new Element(k, (byte[]) v, false, 0)));
            byte[] page = leafNode(0, elements); // inline pages keep id 0 and no padding
            byte[] trimmed = Arrays.copyOf(page, (int) inlineSize);
            bucketRoots.put(path, 0L);
            return concat(bucketHeader(0, child.sequence), trimmed);
        }
        return bucketHeader(writeBucket(child, path), child.sequence);
    }

    /** Groups elements into nodes of at most a page (at least one element each), bbolt-style. */
    private List<List<Element>> split(List<Element> elements, boolean leaf) {
        List<List<Element>> groups = new ArrayList<>();
        List<Element> current = new ArrayList<>();
        long size = 16;
        for (Element e : elements) {
            long elementSize = 16 + e.key().length + (leaf ? e.value().length : 0);
            if (!current.isEmpty() && (size + elementSize > pageSize || current.size() >= maxEntriesPerNode)) {
                groups.add(current);
                current = new ArrayList<>();
                size = 16;
            }
            current.add(e);
            size += elementSize;
        }
        if (!current.isEmpty() || groups.isEmpty()) {
            groups.add(current);
        }
        return groups;
    }

    private byte[] leafNode(long id, List<Element> elements) {
        int size = 16;
        for (Element e : elements) {
            size += 16 + e.key().length + e.value().length;
        }
        ByteBuffer node = pageBuffer(size);
        header(node, id, PageType.LEAF, elements.size(), node.capacity() / pageSize - 1);
        int data = 16 + 16 * elements.size();
        for (int i = 0; i < elements.size(); i++) {
            Element e = elements.get(i);
            int at = 16 + 16 * i;
            node.putInt(at, e.bucket() ? 1 : 0);
            node.putInt(at + 4, data - at);
            node.putInt(at + 8, e.key().length);
            node.putInt(at + 12, e.value().length);
            node.put(data, e.key());
            node.put(data + e.key().length, e.value());
            data += e.key().length + e.value().length;
        }
        return node.array();
    }

    private byte[] branchNode(long id, List<Element> children) {
        int size = 16;
        for (Element e : children) {
            size += 16 + e.key().length;
        }
        ByteBuffer node = pageBuffer(size);
        header(node, id, PageType.BRANCH, children.size(), node.capacity() / pageSize - 1);
        int data = 16 + 16 * children.size();
        for (int i = 0; i < children.size(); i++) {
            Element e = children.get(i);
            int at = 16 + 16 * i;
            node.putInt(at, data - at);
            node.putInt(at + 4, e.key().length);
            node.putLong(at + 8, e.child());
            node.put(data, e.key());
            data += e.key().length;
        }
        return node.array();
    }

    private byte[] freelistNode(long id, long[] free) {
        boolean large = free.length >= 0xFFFF;
        ByteBuffer node = pageBuffer(16 + (large ? 8 : 0) + 8 * free.length);
        header(node, id, PageType.FREELIST, large ? 0xFFFF : free.length, node.capacity() / pageSize - 1);
        int at = 16;
        if (large) {
            node.putLong(at, free.length);
            at += 8;
        }
        for (long page : free) {
            node.putLong(at, page);
            at += 8;
        }
        return node.array();
    }

    private byte[] metaPage(int index, long txid) {
        ByteBuffer page = ByteBuffer.allocate(pageSize).order(ByteOrder.LITTLE_ENDIAN);
        header(page, index, PageType.META, 0, 0);
        page.putInt(16, (int) MetaPages.MAGIC);
        page.putInt(20, MetaPages.VERSION);
        page.putInt(24, pageSize);
        page.putInt(28, 0);
        page.putLong(32, rootPage);
        page.putLong(40, root.sequence);
        page.putLong(48, freelistPage);
        page.putLong(56, pgid);
        page.putLong(64, txid);
        page.putLong(72, Fnv1a64.hash(page.array(), 16, 56));
        return page.array();
    }

    private ByteBuffer pageBuffer(int size) {
        int pages = Math.max(1, (size + pageSize - 1) / pageSize);
        return ByteBuffer.allocate(pages * pageSize).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void header(ByteBuffer page, long id, int flags, int count, int overflow) {
        page.putLong(0, id);
        page.putShort(8, (short) flags);
        page.putShort(10, (short) count);
        page.putInt(12, overflow);
    }

    /** A one-page branch node with the given keys and children, for tests that forge trees. */
    static byte[] branchPage(int pageSize, long id, List<byte[]> keys, List<Long> children) {
        BoltImage image = new BoltImage(pageSize);
        List<Element> elements = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            elements.add(new Element(keys.get(i), null, false, children.get(i)));
        }
        return image.branchNode(id, elements);
    }

    static byte[] bucketHeader(long rootPage, long sequence) {
        return ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(rootPage).putLong(sequence).array();
    }

    private static byte[] sha256(RandomAccessFile file, long length) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] chunk = new byte[1 << 16];
            file.seek(0);
            for (long done = 0; done < length; ) {
                int n = file.read(chunk, 0, (int) Math.min(chunk.length, length - done));
                sha.update(chunk, 0, n);
                done += n;
            }
            file.seek(length);
            return sha.digest();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String string(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
