package io.regshift.etcd;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The sorted runs a bounded-memory sort spills to temporary files, and the streams reading them
 * back: what {@link RevisionSorter} and {@link EntryRevisionSorter} share. Closing deletes the
 * files. A run can be read back more than once.
 *
 * @param <T> what a run holds, written and read by the sorter's own format
 */
final class SpilledRuns<T> implements AutoCloseable {
  /** Writes one item. */
  interface Writer<T> {
    void write(DataOutputStream out, T item) throws IOException;
  }

  /** Reads one item. */
  interface Reader<T> {
    T read(DataInputStream in) throws IOException;
  }

  private final String prefix;
  private final Writer<T> writer;
  private final Reader<T> reader;
  private final List<Path> files = new ArrayList<>();
  /** Items per run, read back exactly so: a run cut short is an error, not its end. */
  private final List<Integer> counts = new ArrayList<>();
  private final List<DataInputStream> open = new ArrayList<>();

  /** @param prefix the temporary files' name prefix */
  SpilledRuns(String prefix, Writer<T> writer, Reader<T> reader) {
    this.prefix = prefix;
    this.writer = writer;
    this.reader = reader;
  }

  /** Writes one sorted run to a new temporary file. */
  void spill(List<T> sorted) {
    try {
      Path file = Files.createTempFile(prefix, ".run");
      file.toFile().deleteOnExit();
      files.add(file);
      counts.add(sorted.size());
      try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16))) {
        for (T item : sorted) {
          writer.write(out, item);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a sort run to the temporary directory: " + e.getMessage(), e);
    }
  }

  int count() {
    return files.size();
  }

  boolean isEmpty() {
    return files.isEmpty();
  }

  /** Every run, each read from its start. */
  List<Iterator<T>> read() {
    List<Iterator<T>> runs = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      runs.add(read(files.get(i), counts.get(i)));
    }
    return runs;
  }

  private Iterator<T> read(Path file, int count) {
    DataInputStream in;
    try {
      in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read a sort run back: " + e.getMessage(), e);
    }
    open.add(in);
    return new Iterator<>() {
      private int left = count;
      private T next = advance();

      private T advance() {
        if (left == 0) {
          return null;
        }
        left--;
        try {
          return reader.read(in);
        } catch (java.io.EOFException e) {
          throw new UncheckedIOException("cannot read a sort run back: " + file + " ends early (cut short on disk?)", e);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read a sort run back: " + e.getMessage(), e);
        }
      }

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public T next() {
        if (next == null) {
          throw new NoSuchElementException();
        }
        T r = next;
        next = advance();
        return r;
      }
    };
  }

  /** The runs merged into one sequence in {@code order} (each run must be in that order). */
  static <T> Iterator<T> merge(List<Iterator<T>> runs, java.util.Comparator<T> order) {
    record Head<T>(T item, Iterator<T> run) {}
    java.util.PriorityQueue<Head<T>> heap = new java.util.PriorityQueue<>((a, b) -> order.compare(a.item(), b.item()));
    for (Iterator<T> run : runs) {
      if (run.hasNext()) {
        heap.add(new Head<>(run.next(), run));
      }
    }
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return !heap.isEmpty();
      }

      @Override
      public T next() {
        Head<T> h = heap.poll();
        if (h == null) {
          throw new NoSuchElementException();
        }
        if (h.run().hasNext()) {
          heap.add(new Head<>(h.run().next(), h.run()));
        }
        return h.item();
      }
    };
  }

  /** Closes the streams and deletes the files. */
  @Override
  public void close() {
    for (DataInputStream in : open) {
      try {
        in.close();
      } catch (IOException ignored) {
        // a temp file we are about to delete
      }
    }
    open.clear();
    for (Path p : files) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // deleteOnExit is the fallback
      }
    }
    files.clear();
    counts.clear();
  }
}
