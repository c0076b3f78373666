package io.regshift.bolt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Writes a new bbolt file from sorted input, bottom-up, in one pass: each top-level bucket's keys
 * arrive in ascending order, leaves are written as they fill, and only the first key of each node
 * is kept to build the branch levels above once the bucket ends. Memory holds one leaf and the
 * branch keys, never the tree, so any number of keys can be written.
 *
 * <p>Layout: pages 0 and 1 are the metas, page 2 an empty freelist (so bbolt need not walk the
 * whole tree to rebuild it on open), tree pages from 3 on, written in order. A bucket that ends
 * as one leaf of at most a quarter page is stored inline in its parent, as bbolt does. With
 * {@link #finish(boolean) finish(true)} the SHA-256 of the image follows it, as
 * {@code etcdctl snapshot save} writes it.
 */
public final class BoltWriter implements AutoCloseable {

    public static final int PAGE_SIZE = 4096;
    /** bbolt's max key size. */
    public static final int MAX_KEY_SIZE = 32768;
    /** Nodes are filled to this share of a page, as etcd's sequential puts leave them (FillPercent 0.9). */
    private static final int FILL = PAGE_SIZE * 9 / 10;
    /**
     * Values near a page in size would each take two pages alone; such elements share nodes of up
     * to this size, so that only the last page of each is padded.
     */
    private static final int LARGE_NODE = 16 * PAGE_SIZE;
    private static final int INLINE_LIMIT = PAGE_SIZE / 4;
    private static final int ELEMENT = 16;
    private static final int FIRST_DATA_PAGE = 3;
    private static final int FREELIST_PAGE = 2;
    private static final int BUFFER = 1 << 20;

    private final Path path;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
    private long bufferStart = (long) FIRST_DATA_PAGE * PAGE_SIZE;
    private long nextPage = FIRST_DATA_PAGE;
    private final List<byte[][]> topLevel = new ArrayList<>();
    private BucketWriter open;
    private boolean finished;
    private byte[] imageSha256;
    private long imageSize = -1;
    private static final int TRAILER_SIZE = 32;

    /** Flushes written pages in the background, so that the flush at the end has little left. */
    private final WriteBehind writeBehind;

    private BoltWriter(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
        this.writeBehind = new WriteBehind(channel);
    }

    /** Creates (or truncates) {@code path}. */
    public static BoltWriter create(Path path) {
        try {
            FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.READ, StandardOpenOption.TRUNCATE_EXISTING);
            return new BoltWriter(path, ch);
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot create: " + e.getMessage(), e);
        }
    }

    public Path path() {
        return path;
    }

    /**
     * Starts the top-level bucket {@code name}; the one before must be finished. Buckets may come
     * in any order (the root is sorted at the end), each name once.
     */
    public BucketWriter bucket(String name) {
        if (open != null && !open.done) {
            throw new IllegalStateException("bucket " + Keys.display(open.name) + " is still being written");
        }
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        for (byte[][] e : topLevel) {
            if (Arrays.equals(e[0], n)) {
                throw new IllegalArgumentException("bucket " + name + " written twice");
            }
        }
        open = new BucketWriter(n, true);
        return open;
    }

    /** Pages written so far (the high-water mark). */
    public long pages() {
        return nextPage;
    }

    /**
     * Writes the root bucket, the freelist and both metas; with {@code snapshotTrailer} the
     * SHA-256 of the image is appended. Returns the file size. The file is flushed to disk.
     */
    public long finish(boolean snapshotTrailer) {
        long size = finishImage();
        if (snapshotTrailer) {
            appendTrailer();
            return size + TRAILER_SIZE;
        }
        force();
        return size;
    }

    /**
     * The first half of {@link #finish(boolean) finish(true)}: the root bucket, the freelist and
     * both metas, so that the image is complete and can be read (and checked) while
     * {@link #appendTrailer()} hashes it. Returns the image size.
     */
    public long finishImage() {
        if (open != null && !open.done) {
            throw new IllegalStateException("bucket " + Keys.display(open.name) + " is still being written");
        }
        if (imageSize >= 0) {
            throw new IllegalStateException("the image is already finished");
        }
        topLevel.sort(Comparator.comparing((byte[][] e) -> e[0], Arrays::compareUnsigned));
        BucketWriter root = new BucketWriter(new byte[0], false);
        for (byte[][] e : topLevel) {
            root.add(e[0], e[1], e[1].length, true);
        }
        long rootPage = root.pagesOnly();
        flush();
        long pgid = nextPage;
        try {
            ByteBuffer head = ByteBuffer.allocate(3 * PAGE_SIZE).order(ByteOrder.LITTLE_ENDIAN);
            // the two metas differ only in txid, as after tx.WriteTo; the higher one is used
            meta(head, 0, rootPage, pgid, 2);
            meta(head, 1, rootPage, pgid, 1);
            header(head, 2 * PAGE_SIZE, FREELIST_PAGE, PageType.FREELIST, 0, 0);
            head.clear();
            writeFully(head, 0);
            imageSize = pgid * PAGE_SIZE;
            channel.truncate(imageSize);
            return imageSize;
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot write: " + e.getMessage(), e);
        }
    }

    /**
     * The second half of {@link #finish(boolean) finish(true)}: hashes the image as the file holds
     * it (read back, not as it was meant to be), appends the SHA-256 as {@code etcdctl snapshot
     * save} does, and flushes the file to disk. Returns the hash.
     */
    public byte[] appendTrailer() {
        if (imageSize < 0) {
            throw new IllegalStateException("finishImage() first");
        }
        try {
            byte[] hash = sha256(imageSize);
            writeFully(ByteBuffer.wrap(hash), imageSize);
            imageSha256 = hash.clone();
            force();
            return hash;
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot write: " + e.getMessage(), e);
        }
    }

    private void force() {
        try {
            writeBehind.finish();
            channel.force(true);
            finished = true;
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot write: " + e.getMessage(), e);
        }
    }

    /**
     * The SHA-256 of the image written by {@code finish(true)}, computed from the file's bytes as
     * read back after writing them (what the trailer holds); null before, or without a trailer.
     */
    public byte[] imageSha256() {
        return imageSha256 == null ? null : imageSha256.clone();
    }

    private void meta(ByteBuffer head, int index, long rootPage, long pgid, long txid) {
        int at = index * PAGE_SIZE;
        header(head, at, index, PageType.META, 0, 0);
        int m = at + PageType.HEADER_SIZE;
        head.putInt(m, (int) MetaPages.MAGIC);
        head.putInt(m + 4, MetaPages.VERSION);
        head.putInt(m + 8, PAGE_SIZE);
        head.putInt(m + 12, 0);
        head.putLong(m + 16, rootPage);
        head.putLong(m + 24, 0); // root bucket sequence
        head.putLong(m + 32, FREELIST_PAGE);
        head.putLong(m + 40, pgid);
        head.putLong(m + 48, txid);
        head.putLong(m + 56, Fnv1a64.hash(head.array(), m, 56));
    }

    private byte[] sha256(long size) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        ByteBuffer chunk = ByteBuffer.allocate(BUFFER);
        for (long at = 0; at < size; ) {
            chunk.clear().limit((int) Math.min(BUFFER, size - at));
            int n = channel.read(chunk, at);
            if (n < 0) {
                throw new IOException("file ended at " + at + " of " + size + " bytes");
            }
            sha.update(chunk.array(), 0, n);
            at += n;
        }
        return sha.digest();
    }

    private static void header(ByteBuffer page, int at, long id, int flags, int count, int overflow) {
        page.putLong(at, id);
        page.putShort(at + 8, (short) flags);
        page.putShort(at + 10, (short) count);
        page.putInt(at + 12, overflow);
    }

    /** Appends a node of {@code size} bytes (rounded up to pages) built by {@code fill}; returns its page id. */
    private long writeNode(int size, NodeFill fill) {
        int pages = Math.max(1, (size + PAGE_SIZE - 1) / PAGE_SIZE);
        int bytes = pages * PAGE_SIZE;
        long id = nextPage;
        ByteBuffer target;
        int at;
        if (bytes <= BUFFER) {
            if (buffer.remaining() < bytes) {
                flush();
            }
            at = buffer.position();
            // the fill writes [at, at + size) whole (header, elements, data back to back): only the
            // padding after it must be cleared of what the buffer held before
            Arrays.fill(buffer.array(), at + size, at + bytes, (byte) 0);
            target = buffer;
        } else {
            flush();
            target = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
            at = 0;
        }
        fill.fill(target, at, id, pages - 1);
        if (target == buffer) {
            buffer.position(at + bytes);
        } else {
            writeFully(target, id * PAGE_SIZE);
            bufferStart = (id + pages) * PAGE_SIZE;
        }
        nextPage += pages;
        return id;
    }

    @FunctionalInterface
    private interface NodeFill {
        void fill(ByteBuffer page, int at, long id, int overflow);
    }

    private void flush() {
        buffer.flip();
        int bytes = buffer.remaining();
        writeFully(buffer, bufferStart);
        try {
            writeBehind.written(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot write: " + e.getMessage(), e);
        }
        bufferStart = nextPage * PAGE_SIZE;
        buffer.clear();
    }

    private void writeFully(ByteBuffer b, long position) {
        try {
            long at = position;
            while (b.hasRemaining()) {
                at += channel.write(b, at);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot write: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        writeBehind.close();
        try {
            channel.close();
        } catch (IOException e) {
            if (!finished) {
                throw new UncheckedIOException(path + ": " + e.getMessage(), e);
            }
        }
    }

    /** A value in three parts, copied into its page one after the other. */
    private record Parts(byte[] head, byte[] body, byte[] tail) {
        int length() {
            return head.length + body.length + tail.length;
        }

        void copyTo(byte[] dst, int at) {
            System.arraycopy(head, 0, dst, at, head.length);
            System.arraycopy(body, 0, dst, at + head.length, body.length);
            System.arraycopy(tail, 0, dst, at + head.length + body.length, tail.length);
        }
    }

    /**
     * One bucket being written: keys in strictly ascending (unsigned) order. {@link #finish()}
     * links it into the root.
     */
    public final class BucketWriter {
        private final byte[] name;
        private final boolean mayInline;
        private final List<byte[]> keys = new ArrayList<>();
        /** Each a byte[], or a {@link Parts} written one after the other. */
        private final List<Object> values = new ArrayList<>();
        private final List<Boolean> buckets = new ArrayList<>();
        private int size = PageType.HEADER_SIZE;
        private byte[] last;
        private long count;
        /** First key and page of each node of the level being built. */
        private final List<byte[]> levelKeys = new ArrayList<>();
        private final List<Long> levelPages = new ArrayList<>();
        private boolean done;

        private BucketWriter(byte[] name, boolean mayInline) {
            this.name = name;
            this.mayInline = mayInline;
        }

        /** Adds a key, which must sort after the one before; the value is not copied. */
        public void put(byte[] key, byte[] value) {
            add(key, value, value.length, false);
        }

        /**
         * As {@link #put(byte[], byte[])}, the value being {@code head}, {@code body} and {@code tail}
         * one after the other: a record around a large payload goes into its page without being
         * joined into one array first.
         */
        public void put(byte[] key, byte[] head, byte[] body, byte[] tail) {
            add(key, new Parts(head, body, tail), head.length + body.length + tail.length, false);
        }

        public long count() {
            return count;
        }

        private void add(byte[] key, Object value, int valueLength, boolean bucket) {
            if (done) {
                throw new IllegalStateException("bucket " + Keys.display(name) + " is finished");
            }
            if (key.length == 0 || key.length > MAX_KEY_SIZE) {
                throw new IllegalArgumentException("bucket " + Keys.display(name) + ": a key of " + key.length
                        + " bytes (bbolt takes 1 to " + MAX_KEY_SIZE + ")");
            }
            if (last != null && Arrays.compareUnsigned(last, key) >= 0) {
                throw new IllegalArgumentException("bucket " + Keys.display(name) + ": key " + Keys.display(key)
                        + " does not sort after " + Keys.display(last));
            }
            int element = ELEMENT + key.length + valueLength;
            boolean fits = size + element <= FILL || (element > FILL / 4 && size + element <= LARGE_NODE);
            if (!keys.isEmpty() && (!fits || keys.size() == 0xFFFE)) {
                writeLeaf();
            }
            keys.add(key);
            values.add(value);
            buckets.add(bucket);
            size += element;
            last = key;
            count++;
        }

        /** Ends the bucket and records it in the root. */
        public void finish() {
            if (done) {
                return;
            }
            byte[] value;
            if (mayInline && levelPages.isEmpty() && size <= INLINE_LIMIT) {
                ByteBuffer v = ByteBuffer.allocate(BucketValue.HEADER_SIZE + size).order(ByteOrder.LITTLE_ENDIAN);
                v.putLong(0, 0).putLong(8, 0);
                fillLeaf(v, BucketValue.HEADER_SIZE, 0, 0);
                value = v.array();
                done = true;
            } else {
                long rootPage = pagesOnly();
                value = ByteBuffer.allocate(BucketValue.HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN)
                        .putLong(0, rootPage).putLong(8, 0).array();
            }
            topLevel.add(new byte[][] {name, value});
        }

        /** Writes what is left as pages and builds the branch levels; returns the root page. */
        private long pagesOnly() {
            if (!keys.isEmpty() || levelPages.isEmpty()) {
                writeLeaf();
            }
            while (levelPages.size() > 1) {
                List<byte[]> childKeys = new ArrayList<>(levelKeys);
                List<Long> childPages = new ArrayList<>(levelPages);
                levelKeys.clear();
                levelPages.clear();
                int from = 0;
                while (from < childKeys.size()) {
                    int to = from;
                    int branchSize = PageType.HEADER_SIZE;
                    while (to < childKeys.size()) {
                        int element = ELEMENT + childKeys.get(to).length;
                        // at least two children each, so every level is smaller than the one below
                        if (to - from >= 2 && (branchSize + element > FILL || to - from == 0xFFFE)) {
                            break;
                        }
                        branchSize += element;
                        to++;
                    }
                    // bbolt wants two children per branch: do not leave one alone at the end
                    if (to == childKeys.size() - 1 && to - from > 2) {
                        to--;
                        branchSize -= ELEMENT + childKeys.get(to).length;
                    }
                    writeBranch(childKeys.subList(from, to), childPages.subList(from, to), branchSize);
                    from = to;
                }
            }
            done = true;
            return levelPages.get(0);
        }

        private void writeLeaf() {
            byte[] first = keys.isEmpty() ? new byte[0] : keys.get(0);
            long page = writeNode(size, (b, at, id, overflow) -> {
                header(b, at, id, PageType.LEAF, keys.size(), overflow);
                fillLeaf(b, at, id, overflow);
            });
            levelKeys.add(first);
            levelPages.add(page);
            keys.clear();
            values.clear();
            buckets.clear();
            size = PageType.HEADER_SIZE;
        }

        /** The leaf node image (header and elements) at {@code at}. */
        private void fillLeaf(ByteBuffer b, int at, long id, int overflow) {
            header(b, at, id, PageType.LEAF, keys.size(), overflow);
            int data = at + PageType.HEADER_SIZE + ELEMENT * keys.size();
            byte[] array = b.array();
            for (int i = 0; i < keys.size(); i++) {
                int e = at + PageType.HEADER_SIZE + ELEMENT * i;
                byte[] k = keys.get(i);
                int length = values.get(i) instanceof byte[] v ? v.length : ((Parts) values.get(i)).length();
                b.putInt(e, buckets.get(i) ? 1 : 0);
                b.putInt(e + 4, data - e);
                b.putInt(e + 8, k.length);
                b.putInt(e + 12, length);
                System.arraycopy(k, 0, array, data, k.length);
                if (values.get(i) instanceof byte[] v) {
                    System.arraycopy(v, 0, array, data + k.length, v.length);
                } else {
                    ((Parts) values.get(i)).copyTo(array, data + k.length);
                }
                data += k.length + length;
            }
        }

        private void writeBranch(List<byte[]> childKeys, List<Long> childPages, int branchSize) {
            long page = writeNode(branchSize, (b, at, id, overflow) -> {
                header(b, at, id, PageType.BRANCH, childKeys.size(), overflow);
                int data = at + PageType.HEADER_SIZE + ELEMENT * childKeys.size();
                for (int i = 0; i < childKeys.size(); i++) {
                    int e = at + PageType.HEADER_SIZE + ELEMENT * i;
                    byte[] k = childKeys.get(i);
                    b.putInt(e, data - e);
                    b.putInt(e + 4, k.length);
                    b.putLong(e + 8, childPages.get(i));
                    System.arraycopy(k, 0, b.array(), data, k.length);
                    data += k.length;
                }
            });
            levelKeys.add(childKeys.get(0));
            levelPages.add(page);
        }
    }
}
