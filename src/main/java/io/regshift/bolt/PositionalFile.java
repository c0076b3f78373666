package io.regshift.bolt;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A read-only file shared by many threads through positional reads, which need no lock and no
 * shared position. A FileChannel closes itself for everyone when one reading thread is
 * interrupted; this class reopens it, so one cancelled reader does not break the others.
 */
final class PositionalFile implements AutoCloseable {

    /**
     * Reads into heap arrays go through a per-thread temporary direct buffer as large as the
     * read; chunking keeps that buffer small whatever the node size.
     */
    private static final int CHUNK = 1 << 20;
    private static final int REOPEN_ATTEMPTS = 8;

    private final Path path;
    private final long size;
    private volatile FileChannel channel;
    private volatile boolean closed;

    private PositionalFile(Path path, FileChannel channel, long size) {
        this.path = path;
        this.channel = channel;
        this.size = size;
    }

    static PositionalFile open(Path path) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
            return new PositionalFile(path, channel, channel.size());
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

    /** The size when opened: a snapshot being read is not expected to change. */
    long size() {
        return size;
    }

    /**
     * Fills {@code dst[off, off+len)} from {@code position}; {@code page} names the page in a
     * failure (-1 for none). Callers check bounds first; running out of file here means it shrank.
     */
    void readFully(long page, long position, byte[] dst, int off, int len) {
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
