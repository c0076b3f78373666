package io.regshift.bolt;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A read-only file shared by many threads through positional reads, which need no lock and no
 * shared position. Reads copy from read-only memory mappings of the file (1 GiB each) where the
 * file can be mapped: a copy from the page cache without a system call per read, which makes a
 * full scan of a large snapshot about twice as cheap; else they go through the FileChannel.
 * A FileChannel closes itself for everyone when one reading thread is interrupted; this class
 * reopens it, so one cancelled reader does not break the others. An interrupted thread's read
 * fails either way, so that a cancelled reader stops at its next read.
 */
final class PositionalFile implements AutoCloseable {

    /**
     * Reads into heap arrays go through a per-thread temporary direct buffer as large as the
     * read; chunking keeps that buffer small whatever the node size.
     */
    private static final int CHUNK = 1 << 20;
    private static final int REOPEN_ATTEMPTS = 8;
    /** Bytes per mapping: a ByteBuffer indexes with an int, and smaller maps keep address space modest. */
    static final int MAP_CHUNK = 1 << 30;

    private final Path path;
    private final long size;
    /** Read-only mappings covering [i * MAP_CHUNK, ...) of the file; null when the file cannot be mapped. */
    private final MappedByteBuffer[] maps;
    /** Mapped files open in this process (how many times each), to name in a fault that surfaces away from its read. */
    private static final java.util.concurrent.ConcurrentHashMap<Path, Integer> OPEN_MAPPED =
            new java.util.concurrent.ConcurrentHashMap<>();
    private volatile FileChannel channel;
    private volatile boolean closed;

    private PositionalFile(Path path, FileChannel channel, long size, boolean map) {
        this.path = path;
        this.channel = channel;
        this.size = size;
        this.maps = map ? map(channel, size) : null;
        if (maps != null) {
            OPEN_MAPPED.merge(path, 1, Integer::sum);
        }
    }

    /**
     * When a mapped file shrinks under a read, the JVM raises an InternalError, in compiled code
     * only after the read has returned: this names the mapped files open, for the one-line error
     * where it surfaces; empty when none is.
     */
    static java.util.List<Path> openMapped() {
        return java.util.List.copyOf(OPEN_MAPPED.keySet());
    }

    /** Maps the whole file read-only, or returns null (e.g. a file system without mmap): reads then use the channel. */
    private static MappedByteBuffer[] map(FileChannel channel, long size) {
        try {
            MappedByteBuffer[] maps = new MappedByteBuffer[(int) ((size + MAP_CHUNK - 1) / MAP_CHUNK)];
            for (int i = 0; i < maps.length; i++) {
                long from = (long) i * MAP_CHUNK;
                maps[i] = channel.map(FileChannel.MapMode.READ_ONLY, from, Math.min(MAP_CHUNK, size - from));
            }
            return maps;
        } catch (IOException | UnsupportedOperationException | OutOfMemoryError e) {
            return null;
        }
    }

    static PositionalFile open(Path path) {
        return open(path, true);
    }

    /** @param map false to read through the channel only (tests compare both ways) */
    static PositionalFile open(Path path, boolean map) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
            return new PositionalFile(path, channel, channel.size(), map);
        } catch (NoSuchFileException e) {
            throw BoltException.noPage(path, "no such file");
        } catch (AccessDeniedException e) {
            throw new BoltException(path, -1, "permission denied", e);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new BoltException(path, -1, "cannot open: " + e, e);
        }
    }

    Path path() {
        return path;
    }

    /** True when reads copy from a memory mapping (cheap, no system call) rather than the channel. */
    boolean mapped() {
        return maps != null;
    }

    /** The size when opened: a snapshot being read is not expected to change. */
    long size() {
        return size;
    }

    /**
     * Fills {@code dst[off, off+len)} from {@code position}; {@code page} names the page in a
     * failure (-1 for none). Callers check bounds first; running out of file here means it shrank.
     */
    void readFully(long page, long position, byte[] dst, int off, int len) {
        if (maps != null) {
            readMapped(page, position, dst, off, len);
            return;
        }
        for (int attempt = 1; ; attempt++) {
            FileChannel current = channel;
            try {
                read(current, position, dst, off, len, page);
                return;
            } catch (ClosedByInterruptException e) {
                // This thread was interrupted: its read is over, but others keep a working file.
                reopen(current);
                throw new BoltException(path, page, "interrupted while reading", e);
            } catch (ClosedChannelException e) {
                if (closed) {
                    throw new BoltException(path, page, "read after close", e);
                }
                if (attempt == REOPEN_ATTEMPTS) {
                    throw new BoltException(path, page, "file kept being closed under the read", e);
                }
                reopen(current); // another thread's interrupt closed it
            } catch (IOException e) {
                throw new BoltException(path, page, "cannot read at offset " + position + ": " + e, e);
            }
        }
    }

    /**
     * The bytes at [position, position+len) as a read-only view of the mapping, copied nowhere;
     * null when the file is not mapped or the range crosses two mappings (read a copy then).
     */
    java.nio.ByteBuffer mappedView(long position, int len) {
        if (maps == null || position < 0 || len < 0 || position > size - len) {
            return null;
        }
        if (closed) {
            throw new BoltException(path, -1, "read after close");
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new BoltException(path, -1, "interrupted while reading");
        }
        int chunk = (int) (position / MAP_CHUNK);
        int within = (int) (position % MAP_CHUNK);
        if (within + len > maps[chunk].capacity()) {
            return null;
        }
        return maps[chunk].slice(within, len).asReadOnlyBuffer();
    }

    private void readMapped(long page, long position, byte[] dst, int off, int len) {
        if (closed) {
            throw new BoltException(path, page, "read after close");
        }
        if (Thread.currentThread().isInterrupted()) {
            // as a channel read would: a cancelled reader stops here (the flag stays set)
            throw new BoltException(path, page, "interrupted while reading");
        }
        if (position < 0 || position > size - len) {
            throw new BoltException(path, page, "file ends at " + size + ", before offset " + (position + len));
        }
        try {
            int done = 0;
            while (done < len) {
                long at = position + done;
                int chunk = (int) (at / MAP_CHUNK);
                int within = (int) (at % MAP_CHUNK);
                int n = Math.min(len - done, MAP_CHUNK - within);
                maps[chunk].get(within, dst, off + done, n);
                done += n;
            }
        } catch (InternalError e) {
            // SIGBUS: the mapped file was truncated under us
            throw new BoltException(path, page, "cannot read at offset " + position + " (the file shrank while open?)", e);
        }
    }

    private void read(FileChannel from, long position, byte[] dst, int off, int len, long page)
            throws IOException {
        int done = 0;
        while (done < len) {
            ByteBuffer window = ByteBuffer.wrap(dst, off + done, Math.min(CHUNK, len - done));
            int n = from.read(window, position + done);
            if (n < 0) {
                throw new BoltException(path, page, "file ends at " + from.size()
                        + ", before offset " + (position + len) + " (it shrank while open?)");
            }
            done += n;
        }
    }

    private synchronized void reopen(FileChannel broken) {
        if (closed || channel != broken) {
            return; // already reopened by another thread, or closed on purpose
        }
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new BoltException(path, -1, "cannot reopen after an interrupted read: " + e, e);
        }
    }

    @Override
    public synchronized void close() {
        if (maps != null && !closed) {
            OPEN_MAPPED.computeIfPresent(path, (p, n) -> n > 1 ? n - 1 : null);
        }
        closed = true;
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // read-only: nothing to lose
            }
        }
    }
}
