package io.regshift.bolt;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Gets a file's data onto the disk while more of it is being written: every {@link #EVERY} bytes
 * a helper thread flushes what is written so far, so the flush that ends the file has only the
 * last stretch left. Without it, the kernel kept the whole file in memory until that flush, and a
 * 925 MiB snapshot waited 1.5 s at the end with nothing else to do.
 *
 * <p>Only ever one flush at a time, and never more than one waiting: when the disk is slower
 * than the writer, the writer does not wait for it (the last flush does).
 */
public final class WriteBehind implements AutoCloseable {
  /** Bytes written between two flushes. */
  static final long EVERY = 64L << 20;

  private final FileChannel channel;
  private long unflushed;
  private FutureTask<Void> running;

  public WriteBehind(FileChannel channel) {
    this.channel = channel;
  }

  /**
   * Counts bytes just written; starts a flush once {@link #EVERY} have come since the last.
   *
   * @throws IOException when an earlier flush failed
   */
  public void written(long bytes) throws IOException {
    unflushed += bytes;
    if (unflushed < EVERY) {
      return;
    }
    if (running != null) {
      if (!running.isDone()) {
        return; // the disk is behind: the next call tries again
      }
      result();
    }
    unflushed = 0;
    running = new FutureTask<>(() -> {
      channel.force(false);
      return null;
    });
    Thread t = new Thread(running, "write-behind");
    t.setDaemon(true);
    t.start();
  }

  /** Waits for a flush under way and reports its failure, if any. */
  public void finish() throws IOException {
    if (running != null) {
      result();
      running = null;
    }
  }

  private void result() throws IOException {
    try {
      running.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while flushing", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    }
  }

  /** Waits for a flush under way (its failure no longer matters: the file is being given up or was flushed since). */
  @Override
  public void close() {
    if (running != null) {
      try {
        running.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException e) {
        // the caller's own flush, or its abandoning the file, decides
      }
      running = null;
    }
  }
}
