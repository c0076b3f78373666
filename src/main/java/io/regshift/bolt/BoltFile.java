package io.regshift.bolt;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A read-only bbolt file: an etcd member database or an {@code etcdctl snapshot save} file.
 * Opening reads only the meta pages; tree pages are read when a bucket is used, with positional
 * reads, so any number of threads may read at once and files of any size work.
 */
public final class BoltFile implements AutoCloseable {

    private final PositionalFile file;
    private final MetaPages metas;
    private final Trailer trailer;
    private final NodeReader nodes;

    private BoltFile(PositionalFile file, MetaPages metas, Trailer trailer) {
        this.file = file;
        this.metas = metas;
        this.trailer = trailer;
        this.nodes = new NodeReader(file, metas.pageSize, metas.chosen.pgid());
    }

    /**
     * Opens {@code path} and picks its meta as bbolt does: the valid one with the higher txid,
     * else the other. Fails when neither is valid, the file is not bbolt, or it is shorter than
     * the data the chosen meta describes.
     */
    public static BoltFile open(Path path) {
        return open(path, true);
    }

    /** @param map false to read through the FileChannel only, never from a memory mapping (tests compare both) */
    static BoltFile open(Path path, boolean map) {
        if (Files.isDirectory(path)) {
            throw BoltException.noPage(path, "is a directory, not a bbolt file");
        }
        if (Files.exists(path) && !Files.isRegularFile(path)) {
            // opening a named pipe would wait for a writer forever
            throw BoltException.noPage(path, "not a regular file");
        }
        PositionalFile file = PositionalFile.open(path, map);
        try {
            MetaPages metas = MetaPages.read(file);
            Trailer trailer = Trailer.of(file);
            Meta meta = metas.chosen;
            long pagesInFile = trailer.imageSize() / metas.pageSize;
            if (Long.compareUnsigned(meta.pgid(), pagesInFile) > 0) {
                throw BoltException.noPage(path, "truncated: meta " + meta.index() + " says the data is "
                        + Long.toUnsignedString(meta.pgid()) + " pages of " + metas.pageSize
                        + " bytes, but the file holds " + trailer.imageSize() + " bytes"
                        + (trailer.present() ? " before its hash trailer" : ""));
            }
            return new BoltFile(file, metas, trailer);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    public Path path() {
        return file.path();
    }

    public int pageSize() {
        return metas.pageSize;
    }

    /** The meta in use. */
    public Meta meta() {
        return metas.chosen;
    }

    /** Both metas, valid or not, in page order. */
    public List<Meta> metas() {
        return metas.metas;
    }

    public long fileSize() {
        return file.size();
    }

    /** {@code meta.pgid * pageSize}: the bytes bbolt uses, as {@code etcdutl snapshot status} reports. */
    public long dataSize() {
        return meta().pgid() * pageSize();
    }

    public Trailer trailer() {
        return trailer;
    }

    /** The root bucket, whose entries are the top-level buckets. */
    public Bucket root() {
        return Bucket.atPage(nodes, meta().root(), meta().sequence(), dataSize());
    }

    /** A top-level bucket (e.g. etcd's {@code key}), or null when there is none by that name. */
    public Bucket bucket(String name) {
        return root().bucket(name.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * {@code length} bytes at a file offset as a read-only view of the file's mapping, for a reader
     * that copies out only part of them; null when they cannot be had without a copy ({@link #read}).
     */
    public java.nio.ByteBuffer view(long offset, int length) {
        return file.mappedView(offset, length);
    }

    /** {@code length} raw bytes at a file offset, e.g. a value kept as {@link Cursor#valueOffset()}. */
    public byte[] read(long offset, int length) {
        if (offset < 0 || length < 0 || offset > file.size() - length) {
            throw BoltException.noPage(path(), "cannot read " + length + " bytes at offset " + offset
                    + ": the file has " + file.size() + " bytes");
        }
        byte[] bytes = new byte[length];
        file.readFully(-1, offset, bytes, 0, length);
        return bytes;
    }

    /**
     * The one-line error for an InternalError a memory-mapped read raised (the file shrank while
     * open), naming the mapped files open; null when it is not that (no mapped file is open).
     */
    public static String mappedReadFault(InternalError e) {
        List<Path> open = PositionalFile.openMapped();
        if (open.isEmpty()) {
            return null;
        }
        StringBuilder names = new StringBuilder();
        for (Path p : open) {
            names.append(names.length() == 0 ? "" : ", ").append(p);
        }
        return names + ": the file shrank or changed while being read (" + e.getMessage() + ")";
    }

    NodeReader nodes() {
        return nodes;
    }

    @Override
    public void close() {
        file.close();
    }

    @Override
    public String toString() {
        return "BoltFile[" + path() + ", page size " + pageSize() + ", meta " + meta().index()
                + ", txid " + Long.toUnsignedString(meta().txid()) + "]";
    }
}
