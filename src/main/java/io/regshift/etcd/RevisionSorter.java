package io.regshift.etcd;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.function.UnaryOperator;

/**
 * Sorts revision references by key in bounded memory. etcd's key bucket is in revision order;
 * every view needs key order, so references are sorted in chunks that fit the budget and chunks
 * that do not fit are spilled to temporary files, then merged. Memory stays flat however many
 * keys the file holds.
 */
public final class RevisionSorter implements AutoCloseable {
  private final long budget;
  private final UnaryOperator<List<RevisionRef>> reduce;
  private final Comparator<RevisionRef> order;
  private final List<Path> spills = new ArrayList<>();
  private final List<DataInputStream> open = new ArrayList<>();
  private List<RevisionRef> chunk = new ArrayList<>();
  private long held;

  /**
   * @param budget heap bytes the in-memory chunk may hold
   * @param reduce applied to a sorted chunk before it is kept or spilled (for the latest view:
   *               drop revisions a later one hides); must keep the list sorted
   */
  public RevisionSorter(long budget, UnaryOperator<List<RevisionRef>> reduce) {
    this(budget, RevisionRef.ORDER, reduce);
  }

  /** Sorting by {@code order} instead of key order (the snapshot writer wants revision order). */
  public RevisionSorter(long budget, Comparator<RevisionRef> order, UnaryOperator<List<RevisionRef>> reduce) {
    this.budget = Math.max(budget, 1 << 20);
    this.order = order;
    this.reduce = reduce;
  }

  /** A budget from the heap: a sixth of the maximum, so the rest of the pipeline keeps room. */
  public static long defaultBudget() {
    return Math.max(8L << 20, Runtime.getRuntime().maxMemory() / 6);
  }

  public void add(RevisionRef ref) {
    chunk.add(ref);
    held += ref.footprint();
    if (held > budget) {
      chunk.sort(order);
      chunk = new ArrayList<>(reduce.apply(chunk));
      held = chunk.stream().mapToLong(RevisionRef::footprint).sum();
      if (held > budget / 2) {
        spill();
      }
    }
  }

  /** All references added, in the sorter's order ({@link RevisionRef#ORDER} by default). Call once. */
  public Iterator<RevisionRef> sorted() {
    chunk.sort(order);
    List<RevisionRef> memory = reduce.apply(chunk);
    chunk = null;
    if (spills.isEmpty()) {
      return memory.iterator();
    }
    List<Iterator<RevisionRef>> runs = new ArrayList<>();
    runs.add(memory.iterator());
    for (Path spill : spills) {
      runs.add(read(spill));
    }
    return merge(runs);
  }

  private void spill() {
    try {
      Path file = Files.createTempFile("regshift-sort-", ".run");
      file.toFile().deleteOnExit();
      spills.add(file);
      try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16))) {
        for (RevisionRef r : chunk) {
          out.writeInt(r.key().length);
          out.write(r.key());
          out.writeLong(r.main());
          out.writeLong(r.sub());
          out.writeBoolean(r.tombstone());
          out.writeLong(r.offset());
          out.writeInt(r.length());
          out.writeLong(r.note());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a sort run to the temporary directory: " + e.getMessage(), e);
    }
    chunk = new ArrayList<>();
    held = 0;
  }

  private Iterator<RevisionRef> read(Path file) {
    DataInputStream in;
    try {
      in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    open.add(in);
    return new Iterator<>() {
      RevisionRef next = advance();

      private RevisionRef advance() {
        try {
          int n;
          try {
            n = in.readInt();
          } catch (EOFException end) {
            return null;
          }
          byte[] key = in.readNBytes(n);
          return new RevisionRef(key, in.readLong(), in.readLong(), in.readBoolean(), in.readLong(), in.readInt(), in.readLong());
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read a sort run back: " + e.getMessage(), e);
        }
      }

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public RevisionRef next() {
        if (next == null) throw new NoSuchElementException();
        RevisionRef r = next;
        next = advance();
        return r;
      }
    };
  }

  private Iterator<RevisionRef> merge(List<Iterator<RevisionRef>> runs) {
    record Head(RevisionRef ref, Iterator<RevisionRef> run) {}
    PriorityQueue<Head> heap = new PriorityQueue<>((a, b) -> order.compare(a.ref, b.ref));
    for (Iterator<RevisionRef> run : runs) {
      if (run.hasNext()) heap.add(new Head(run.next(), run));
    }
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return !heap.isEmpty();
      }

      @Override
      public RevisionRef next() {
        Head h = heap.poll();
        if (h == null) throw new NoSuchElementException();
        if (h.run.hasNext()) heap.add(new Head(h.run.next(), h.run));
        return h.ref;
      }
    };
  }

  /** Spill files written so far (tests check that large inputs really spill). */
  int spillCount() {
    return spills.size();
  }

  @Override
  public void close() {
    for (DataInputStream in : open) {
      try {
        in.close();
      } catch (IOException ignored) {
        // a temp file we are about to delete
      }
    }
    for (Path p : spills) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // deleteOnExit is the fallback
      }
    }
  }
}
