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
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Puts live entries that arrive in key order (a live etcd, an archive) into revision order, as
 * etcd's key bucket holds them, in bounded memory: chunks of whole entries are sorted and spilled
 * to temporary files, then merged. Keys changed at one revision (one transaction) get sub
 * revisions 0, 1, ... in key order.
 */
public final class EntryRevisionSorter implements AutoCloseable {
  private static final Comparator<MvccEntry> ORDER = (a, b) -> {
    int c = Long.compare(a.modRevision(), b.modRevision());
    return c != 0 ? c : Arrays.compareUnsigned(a.key(), b.key());
  };

  private final long budget;
  private final List<Path> spills = new ArrayList<>();
  private final List<DataInputStream> open = new ArrayList<>();
  private List<MvccEntry> chunk = new ArrayList<>();
  private long held;

  public EntryRevisionSorter(long budget) {
    this.budget = Math.max(budget, 1 << 20);
  }

  /** Adds a live entry (its modRevision is where it will be stored). */
  public void add(MvccEntry e) {
    if (e.deleted()) {
      throw new IllegalArgumentException(e.keyString() + ": a deletion has no place in a live-state sort");
    }
    chunk.add(e);
    held += 96L + e.key().length + e.value().length;
    if (held > budget) {
      spill();
    }
  }

  /** Every entry added, in revision order, with sub revisions assigned. Call once. */
  public RevisionReader sorted() {
    chunk.sort(ORDER);
    List<Run> runs = new ArrayList<>();
    runs.add(new Run(chunk.iterator()));
    for (Path p : spills) {
      runs.add(new Run(read(p)));
    }
    chunk = List.of();
    PriorityQueue<Run> heap = new PriorityQueue<>((a, b) -> ORDER.compare(a.head, b.head));
    for (Run r : runs) {
      if (r.advance()) {
        heap.add(r);
      }
    }
    return new RevisionReader() {
      long main = -1;
      long sub;

      @Override
      public RevisionEntry next() {
        Run r = heap.poll();
        if (r == null) {
          return null;
        }
        MvccEntry e = r.head;
        if (r.advance()) {
          heap.add(r);
        }
        sub = e.modRevision() == main ? sub + 1 : 0;
        main = e.modRevision();
        return new RevisionEntry(new RevisionKey(main, sub, false), e);
      }

      @Override
      public void close() {
        EntryRevisionSorter.this.close();
      }
    };
  }

  private static final class Run {
    final java.util.Iterator<MvccEntry> entries;
    MvccEntry head;

    Run(java.util.Iterator<MvccEntry> entries) {
      this.entries = entries;
    }

    boolean advance() {
      head = entries.hasNext() ? entries.next() : null;
      return head != null;
    }
  }

  private void spill() {
    chunk.sort(ORDER);
    try {
      Path file = Files.createTempFile("regshift-revsort-", ".run");
      file.toFile().deleteOnExit();
      spills.add(file);
      try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16))) {
        for (MvccEntry e : chunk) {
          out.writeInt(e.key().length);
          out.write(e.key());
          out.writeInt(e.value().length);
          out.write(e.value());
          out.writeLong(e.createRevision());
          out.writeLong(e.modRevision());
          out.writeLong(e.version());
          out.writeLong(e.lease());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a sort run to the temporary directory: " + e.getMessage(), e);
    }
    chunk = new ArrayList<>();
    held = 0;
  }

  private java.util.Iterator<MvccEntry> read(Path file) {
    DataInputStream in;
    try {
      in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    open.add(in);
    return new java.util.Iterator<>() {
      MvccEntry next = advance();

      private MvccEntry advance() {
        try {
          int n;
          try {
            n = in.readInt();
          } catch (EOFException end) {
            return null;
          }
          byte[] key = in.readNBytes(n);
          byte[] value = in.readNBytes(in.readInt());
          return new MvccEntry(key, value, in.readLong(), in.readLong(), in.readLong(), in.readLong(), false, 0);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read a sort run back: " + e.getMessage(), e);
        }
      }

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public MvccEntry next() {
        MvccEntry r = next;
        next = advance();
        return r;
      }
    };
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
    open.clear();
    for (Path p : spills) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // deleteOnExit is the fallback
      }
    }
    spills.clear();
  }
}
