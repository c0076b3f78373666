package io.regshift.etcd;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;

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
  private final SpilledRuns<MvccEntry> spills = new SpilledRuns<>("regshift-revsort-", EntryRevisionSorter::write,
      EntryRevisionSorter::read);
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
    List<Iterator<MvccEntry>> runs = new ArrayList<>();
    runs.add(chunk.iterator());
    runs.addAll(spills.read());
    chunk = List.of();
    Iterator<MvccEntry> merged = SpilledRuns.merge(runs, ORDER);
    return new RevisionReader() {
      long main = -1;
      long sub;

      @Override
      public RevisionEntry next() {
        if (!merged.hasNext()) {
          return null;
        }
        MvccEntry e = merged.next();
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

  private void spill() {
    chunk.sort(ORDER);
    spills.spill(chunk);
    chunk = new ArrayList<>();
    held = 0;
  }

  private static void write(DataOutputStream out, MvccEntry e) throws IOException {
    out.writeInt(e.key().length);
    out.write(e.key());
    out.writeInt(e.value().length);
    out.write(e.value());
    out.writeLong(e.createRevision());
    out.writeLong(e.modRevision());
    out.writeLong(e.version());
    out.writeLong(e.lease());
  }

  private static MvccEntry read(DataInputStream in) throws IOException {
    byte[] key = in.readNBytes(in.readInt());
    byte[] value = in.readNBytes(in.readInt());
    return new MvccEntry(key, value, in.readLong(), in.readLong(), in.readLong(), in.readLong(), false, 0);
  }

  @Override
  public void close() {
    spills.close();
  }
}
