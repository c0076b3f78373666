package io.regshift.archive;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * One gzip member compressed on every core, as pigz does: the input is cut into blocks, each
 * block is deflated on its own with the previous 32 KiB of input as its dictionary and ended with
 * a sync flush (an empty stored block that leaves the output byte-aligned), and the outputs are
 * written in order, so that they join into one ordinary deflate stream that any gzip reader takes;
 * only the last block is final. The CRC-32 of the whole input is computed in order, which is
 * cheap. Memory holds a few blocks, whatever the length of the stream.
 */
public final class ParallelGzipOutputStream extends OutputStream {
  /** Input per block: large enough that the per-block flush costs nothing worth noting. */
  static final int BLOCK = 256 << 10;
  /** deflate's window: the most a block can refer back. */
  private static final int DICTIONARY = 32 << 10;

  private final OutputStream out;
  private final int level;
  private final ExecutorService pool;
  private final int maxInFlight;
  private final ArrayDeque<Future<byte[]>> inFlight = new ArrayDeque<>();
  private final CRC32 crc = new CRC32();
  private byte[] block = new byte[BLOCK];
  private int filled;
  private byte[] dictionary; // the last DICTIONARY bytes before the current block
  private long size;
  private boolean closed;

  /**
   * @param out   where the gzip member goes; closed with this stream
   * @param level deflate's level, 1 (fastest) to 9
   */
  public ParallelGzipOutputStream(OutputStream out, int level) throws IOException {
    this.out = out;
    this.level = level;
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    this.maxInFlight = threads * 2;
    this.pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "regshift-gzip");
      t.setDaemon(true);
      return t;
    });
    // gzip header: deflate, no flags, no time, no extra flags, OS unknown (255)
    out.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff});
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
    crc.update(b, off, len);
    size += len;
    while (len > 0) {
      int n = Math.min(len, BLOCK - filled);
      System.arraycopy(b, off, block, filled, n);
      filled += n;
      off += n;
      len -= n;
      if (filled == BLOCK) {
        submit(false);
      }
    }
  }

  private void submit(boolean last) throws IOException {
    byte[] input = block;
    int length = filled;
    byte[] dict = dictionary;
    if (!last) {
      dictionary = Arrays.copyOfRange(input, Math.max(0, length - DICTIONARY), length);
      block = new byte[BLOCK];
      filled = 0;
    }
    while (inFlight.size() >= maxInFlight) {
      out.write(await(inFlight.poll()));
    }
    inFlight.add(pool.submit(() -> deflate(input, length, dict, last, level)));
  }

  private static byte[] deflate(byte[] input, int length, byte[] dictionary, boolean last, int level) {
    Deflater d = new Deflater(level, true);
    try {
      if (dictionary != null) {
        d.setDictionary(dictionary);
      }
      d.setInput(input, 0, length);
      byte[] buf = new byte[Math.max(1024, length / 4)];
      int n = 0;
      if (last) {
        d.finish();
      }
      while (true) {
        if (n == buf.length) {
          buf = Arrays.copyOf(buf, buf.length * 2);
        }
        n += d.deflate(buf, n, buf.length - n, last ? Deflater.NO_FLUSH : Deflater.SYNC_FLUSH);
        // done when the input is consumed and the flush (or the end) is written out in full
        if (last ? d.finished() : d.needsInput() && n < buf.length) {
          return Arrays.copyOf(buf, n);
        }
      }
    } finally {
      d.end();
    }
  }

  private static byte[] await(Future<byte[]> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while compressing", e);
    } catch (ExecutionException e) {
      throw new IOException("compressing failed: " + e.getCause(), e.getCause());
    }
  }

  /** Writes what is compressed so far through to the stream below (the member is not ended). */
  @Override
  public void flush() throws IOException {
    out.flush();
  }

  /** Ends the gzip member (last block, CRC-32 and size), stops the workers and closes the stream below. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      submit(true);
      while (!inFlight.isEmpty()) {
        out.write(await(inFlight.poll()));
      }
      long c = crc.getValue();
      out.write(new byte[] {(byte) c, (byte) (c >> 8), (byte) (c >> 16), (byte) (c >> 24),
          (byte) size, (byte) (size >> 8), (byte) (size >> 16), (byte) (size >> 24)});
      out.close();
    } finally {
      abandon();
    }
  }

  /** Stops the workers without ending the member (the output is being thrown away). */
  public void abandon() {
    closed = true;
    inFlight.forEach(f -> f.cancel(true));
    inFlight.clear();
    pool.shutdownNow();
  }
}
