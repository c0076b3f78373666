package io.regshift.etcd;

import io.regshift.bolt.BoltFile;
import io.regshift.bolt.Bucket;
import io.regshift.bolt.Cursor;
import io.regshift.kube.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * An etcd backend database file (a snapshot or a member's {@code snap/db}), read through our
 * bbolt reader: etcd's MVCC records and its bookkeeping, without starting etcd.
 */
public final class EtcdDatabase implements AutoCloseable {
  static final String KEY_BUCKET = "key";
  private final BoltFile file;
  private BackendMeta meta;

  private EtcdDatabase(BoltFile file) {
    this.file = file;
  }

  /** Opens a file; a bbolt file without etcd's {@code key} bucket is refused. */
  public static EtcdDatabase open(Path path) {
    BoltFile file = BoltFile.open(path);
    try {
      if (file.bucket(KEY_BUCKET) == null) {
        throw new MvccException(path + ": a bbolt file but not an etcd database (no 'key' bucket)");
      }
    } catch (RuntimeException e) {
      file.close();
      throw e;
    }
    return new EtcdDatabase(file);
  }

  public BoltFile file() {
    return file;
  }

  public Path path() {
    return file.path();
  }

  /** The meta, cluster, members, lease and auth buckets, read once. */
  public synchronized BackendMeta meta() {
    if (meta == null) {
      meta = BackendMetaReader.read(file);
    }
    return meta;
  }

  /** The compaction revision: revisions below it are gone. */
  public long compactRevision() {
    return meta().finishedCompactRevision();
  }

  /**
   * The newest revision: etcd's currentRev, the larger of the last stored change and the
   * compaction revisions (a compaction can run past the last change).
   */
  public long headRevision() {
    Bucket keys = file.bucket(KEY_BUCKET);
    byte[] last = keys.lastKey();
    long main = 0;
    if (last != null) {
      RevisionKey rk = RevisionKey.parse(last);
      if (rk == null) {
        throw new MvccException(path() + ": key bucket: last key is not a revision (" + last.length + " bytes)");
      }
      main = rk.main();
    }
    BackendMeta m = meta();
    return Math.max(main, Math.max(m.finishedCompactRevision(), m.scheduledCompactRevision()));
  }

  /**
   * Reads the keys in {@code range} as {@code view} says, in key order. The key bucket is in
   * revision order, so this scans it once (up to the view's revision), sorts references in
   * bounded memory, then re-reads the chosen records.
   *
   * @throws MvccException when the view's revision is compacted or beyond the head
   */
  public EntryReader read(ReadView view, KeyRange range) {
    return read(view, range, key -> true);
  }

  /** As {@link #read(ReadView, KeyRange)}, keeping only keys {@code keep} accepts (tested before sorting). */
  public EntryReader read(ReadView view, KeyRange range, java.util.function.Predicate<byte[]> keep) {
    if (view.mode() == ReadView.Mode.AT) {
      checkRevision(view.revision());
    }
    RevisionSorter sorter = new RevisionSorter(RevisionSorter.defaultBudget(),
        view.mode() == ReadView.Mode.HISTORY ? chunk -> chunk : chunk -> latestOnly(chunk, view));
    try {
      collect(view, range, keep, sorter);
      return new ViewReader(sorter.sorted(), view, null, sorter, new ReadOf(view, range, keep));
    } catch (RuntimeException e) {
      sorter.close();
      throw e;
    }
  }

  /**
   * The keys in {@code range} sorted once for several reads as {@code view} says: a command that
   * reads the same objects twice (a rewrite's first pass, then the write) scans and sorts the key
   * bucket once. Memory is the one sort's, as for {@link #read}; close it to free it.
   */
  public SortedRange sort(ReadView view, KeyRange range) {
    if (view.mode() == ReadView.Mode.AT) {
      checkRevision(view.revision());
    }
    RevisionSorter sorter = new RevisionSorter(RevisionSorter.defaultBudget(),
        view.mode() == ReadView.Mode.HISTORY ? chunk -> chunk : chunk -> latestOnly(chunk, view));
    try {
      collect(view, range, key -> true, sorter);
      return new SortedRange(sorter, view, range);
    } catch (RuntimeException e) {
      sorter.close();
      throw e;
    }
  }

  /** A range of keys sorted once ({@link #sort}), read as many times as needed. */
  public final class SortedRange implements AutoCloseable {
    private final RevisionSorter sorter;
    private final ReadView view;
    private final KeyRange range;

    private SortedRange(RevisionSorter sorter, ReadView view, KeyRange range) {
      this.sorter = sorter;
      this.view = view;
      this.range = range;
    }

    /**
     * The entries of the keys {@code keep} accepts, as {@link #read(ReadView, KeyRange, java.util.function.Predicate)}
     * gives them; {@code keep} is asked once per sorted reference (each revision a sort kept). Closing
     * the reader leaves the sort for the next.
     */
    public EntryReader reader(java.util.function.Predicate<byte[]> keep) {
      return new ViewReader(sorter.sorted(), view, keep, null, new ReadOf(view, range, keep));
    }

    @Override
    public void close() {
      sorter.close();
    }
  }

  /**
   * The records {@code view} selects, in revision order (the key bucket's own), each under its
   * revision and with its stored bytes: what a snapshot writer copies. A history view is one scan
   * of the bucket. A latest (or as-of) view is two: the first sorts references by key (in bounded
   * memory, spilling to disk) to find each key's newest revision and marks that record's position
   * in the bucket, one bit per stored revision; the second walks the bucket again and yields the
   * marked records, so they come in revision order without a second sort or a read per record.
   * {@code keep} is asked once per key there (once per record in a history view). etcdutl's
   * revision markers (records without a key) are left out.
   */
  public RevisionReader readByRevision(ReadView view, KeyRange range, java.util.function.Predicate<byte[]> keep) {
    if (view.deletedOnly()) {
      throw new IllegalArgumentException("a deleted-only view has no revision order");
    }
    if (view.mode() == ReadView.Mode.AT) {
      checkRevision(view.revision());
    }
    if (view.mode() == ReadView.Mode.HISTORY) {
      return historyScan(range, keep);
    }
    if (readWhole != null && readWhole.of().equals(new ReadOf(view, range, keep))) {
      // a reader of the same view, range and keep went through every key (a rewrite's first
      // pass): it marked the records it gave, so the key bucket need not be sorted again
      BitSet marks = readWhole.newest();
      readWhole = null;
      return markedScan(marks);
    }
    BitSet newest = new BitSet();
    // the note carries the record's position in the bucket
    try (RevisionSorter byKey = new RevisionSorter(RevisionSorter.defaultBudget(), chunk -> latestOnly(chunk, view))) {
      scanKeys(view, range, byKey);
      Iterator<RevisionRef> refs = byKey.sorted();
      RevisionRef last = null;
      while (refs.hasNext()) {
        RevisionRef r = refs.next();
        if (last != null && !r.sameKey(last)) {
          markIfLive(last, keep, newest);
        }
        last = r;
      }
      if (last != null) {
        markIfLive(last, keep, newest);
      }
    }
    return markedScan(newest);
  }

  private static void markIfLive(RevisionRef newestOfKey, java.util.function.Predicate<byte[]> keep, BitSet marks) {
    if (!newestOfKey.tombstone() && keep.test(newestOfKey.key())) {
      marks.set(Math.toIntExact(newestOfKey.note()));
    }
  }

  /**
   * The first scan of a latest view: a reference per record in the view and range, its position in
   * the bucket as the note. Keys are read in place, values not at all.
   */
  private void scanKeys(ReadView view, KeyRange range, RevisionSorter sorter) {
    Cursor c = file.bucket(KEY_BUCKET).cursor();
    byte[] rkBuf = new byte[32];
    KeyValueFields kv = new KeyValueFields();
    byte[][] key = new byte[1][];
    boolean[] parsed = new boolean[1];
    Cursor.ValueSink keyOf = (array, offset, length) -> {
      parsed[0] = kv.parse(array, offset, length);
      key[0] = parsed[0] && kv.keyOffset >= 0
          ? java.util.Arrays.copyOfRange(array, kv.keyOffset, kv.keyOffset + kv.keyLength) : null;
    };
    for (long position = 0; c.next(); position++) {
      RevisionKey rk = revisionKey(c, rkBuf);
      if (!view.admits(rk.main())) {
        break; // the bucket is in revision order: nothing later can be in the view
      }
      c.value(keyOf);
      if (!parsed[0]) {
        // no key (a marker) or not well-formed: the full decoder tells which, and says why
        byte[] record = c.value();
        key[0] = KeyValueCodec.key(record, 0, record.length);
      }
      if (key[0] == null || key[0].length == 0) {
        continue; // etcdutl's --bump-revision marker: a revision with no key
      }
      if (range.contains(key[0])) {
        sorter.add(new RevisionRef(key[0], rk.main(), rk.sub(), rk.tombstone(), c.valueOffset(), c.valueLength(), position));
      }
    }
  }

  /** The cursor's key as a revision, read into {@code buf} (longer than any revision key); fails on a key that is not one. */
  private RevisionKey revisionKey(Cursor c, byte[] buf) {
    int n = c.key(buf);
    RevisionKey rk = n > buf.length ? null : RevisionKey.parse(buf, n);
    if (rk == null) {
      throw new MvccException(path() + ": key bucket holds a key that is not a revision (" + n + " bytes)");
    }
    return rk;
  }

  /**
   * The record stored at {@code offset}: the value copied once, straight out of the mapping; the
   * record itself read again only if the writer keeps the entry unchanged (a rewrite changes most).
   * Thread-safe: reads by position.
   */
  private RevisionEntry record(RevisionKey rk, long offset, int length) {
    java.nio.ByteBuffer view = file.view(offset, length);
    MvccEntry e = view == null ? null : KeyValueCodec.decode(view, rk);
    if (e != null) {
      return new RevisionEntry(rk, e, () -> file.read(offset, length));
    }
    byte[] kv = file.read(offset, length);
    return new RevisionEntry(rk, KeyValueCodec.decode(kv, rk), () -> kv);
  }

  /** The second scan of a latest view: the records at the marked positions, in bucket order. */
  private RevisionReader markedScan(BitSet marks) {
    Cursor c = file.bucket(KEY_BUCKET).cursor();
    return new RevisionReader() {
      long position = -1;
      final byte[] rkBuf = new byte[32];

      @Override
      public RevisionEntry next() {
        Load load = nextLoad();
        return load == null ? null : load.get();
      }

      /** The cursor moves here; the record is read where the load runs (the rewrite's pool). */
      @Override
      public Load nextLoad() {
        int want = marks.nextSetBit((int) position + 1);
        if (want < 0) {
          return null;
        }
        while (position < want) {
          if (!c.next()) {
            throw new MvccException(path() + ": the key bucket ended before record " + want + " of the first scan");
          }
          position++;
        }
        RevisionKey rk = revisionKey(c, rkBuf);
        long offset = c.valueOffset();
        int length = c.valueLength();
        return new Load() {
          @Override
          public RevisionEntry get() {
            return record(rk, offset, length);
          }

          @Override
          public int size() {
            return length;
          }
        };
      }

      @Override
      public void close() {
        // nothing held but the cursor and the marks
      }
    };
  }

  private RevisionReader historyScan(KeyRange range, java.util.function.Predicate<byte[]> keep) {
    Cursor c = file.bucket(KEY_BUCKET).cursor();
    return new RevisionReader() {
      @Override
      public RevisionEntry next() {
        while (c.next()) {
          byte[] rkBytes = c.key();
          RevisionKey rk = RevisionKey.parse(rkBytes);
          if (rk == null) {
            throw new MvccException(path() + ": key bucket holds a key that is not a revision (" + rkBytes.length + " bytes)");
          }
          byte[] kv = c.value();
          byte[] key = KeyValueCodec.key(kv, 0, kv.length);
          if (key == null || key.length == 0 || !range.contains(key) || !keep.test(key)) {
            continue;
          }
          return new RevisionEntry(rk, KeyValueCodec.decode(kv, rk), () -> kv);
        }
        return null;
      }

      @Override
      public void close() {
        // nothing held but the cursor
      }
    };
  }

  /** Refuses revisions the file cannot show, as etcd does ("required revision has been compacted"). */
  public void checkRevision(long revision) {
    long compacted = compactRevision();
    long head = headRevision();
    if (revision < compacted) {
      throw new MvccException(path() + ": revision " + revision + " has been compacted (compaction revision "
          + compacted + "; choose a revision from " + compacted + " to " + head + ")");
    }
    if (revision > head) {
      throw new MvccException(path() + ": revision " + revision + " is newer than the head revision " + head);
    }
    if (revision < 1) {
      throw new MvccException(path() + ": revision " + revision + " is not a revision (they start at 1)");
    }
  }

  private void collect(ReadView view, KeyRange range, java.util.function.Predicate<byte[]> keep, RevisionSorter sorter) {
    Cursor c = file.bucket(KEY_BUCKET).cursor();
    byte[] rkBuf = new byte[32];
    // the key is read in place: copying each whole record to find its key cost a copy of every value
    KeyValueFields fields = new KeyValueFields();
    byte[][] inPlace = new byte[1][];
    Cursor.ValueSink keyOf = (array, offset, length) -> inPlace[0] = fields.parse(array, offset, length)
        ? java.util.Arrays.copyOfRange(array, fields.keyOffset, fields.keyOffset + fields.keyLength) : null;
    long position = -1;
    while (c.next()) {
      position++;
      int n = c.keyLength();
      if (n > rkBuf.length) {
        rkBuf = new byte[n];
      }
      c.key(rkBuf);
      RevisionKey rk = RevisionKey.parse(rkBuf, n);
      if (rk == null) {
        throw new MvccException(path() + ": key bucket holds a key that is not a revision (" + n + " bytes)");
      }
      if (!view.admits(rk.main())) {
        break; // the bucket is in revision order: nothing later can be in the view
      }
      c.value(keyOf);
      byte[] key = inPlace[0];
      if (key == null) {
        // not well-formed, or no key (a marker): the full decoder tells which, and says why
        byte[] kv = c.value();
        key = KeyValueCodec.key(kv, 0, kv.length);
      }
      if (key == null || key.length == 0) {
        continue; // etcdutl's --bump-revision marker: a revision with no key
      }
      if (range.contains(key) && keep.test(key)) {
        // the note: the record's position in the bucket, as readByRevision marks it
        sorter.add(new RevisionRef(key, rk.main(), rk.sub(), rk.tombstone(), c.valueOffset(), c.valueLength(), position));
      }
    }
  }

  /** Keeps, per key, the newest revision, and for deleted views the last live one before it. */
  private static List<RevisionRef> latestOnly(List<RevisionRef> sorted, ReadView view) {
    List<RevisionRef> out = new ArrayList<>();
    int i = 0;
    while (i < sorted.size()) {
      int j = i;
      while (j + 1 < sorted.size() && sorted.get(j + 1).sameKey(sorted.get(i))) {
        j++;
      }
      RevisionRef last = sorted.get(j);
      if (view.deletedOnly() && last.tombstone()) {
        for (int k = j - 1; k >= i; k--) {
          if (!sorted.get(k).tombstone()) {
            out.add(sorted.get(k));
            break;
          }
        }
      }
      out.add(last);
      i = j + 1;
    }
    return out;
  }

  private MvccEntry load(RevisionRef ref) {
    // straight from the mapping: the value is copied once, not read into a record and copied out of it
    java.nio.ByteBuffer view = file.view(ref.offset(), ref.length());
    MvccEntry e = view == null ? null : KeyValueCodec.decode(view, ref.revision());
    if (e != null) {
      return e;
    }
    byte[] kv = file.read(ref.offset(), ref.length());
    return KeyValueCodec.decode(kv, ref.revision());
  }

  /** A read: view, range and the keep predicate (the same object). */
  private record ReadOf(ReadView view, KeyRange range, java.util.function.Predicate<byte[]> keep) {
    @Override
    public boolean equals(Object o) {
      return o instanceof ReadOf r && view.equals(r.view) && java.util.Arrays.equals(range.from(), r.range.from())
          && java.util.Arrays.equals(range.to(), r.range.to()) && keep == r.keep;
    }

    @Override
    public int hashCode() {
      return view.hashCode();
    }
  }

  /** The records a latest view's reader gave, by position in the bucket, once it gave them all. */
  private record WholeRead(ReadOf of, BitSet newest) {}

  /** The last latest-view read that went to its end (see {@link #readByRevision}). */
  private WholeRead readWhole;

  /** Walks the sorted references key by key and yields what the view asks for. */
  private final class ViewReader implements EntryReader {
    private final RevisionSorter owned;
    private final Iterator<RevisionRef> refs;
    private final ReadView view;
    private RevisionRef pending;
    /** For {@link ReadView#deletedOnly()}: the revision that deleted the record {@link #nextRef} gave, else 0. */
    private long deletedAt;
    /** The bucket positions of the records given (latest views; null otherwise), for {@link #readByRevision}. */
    private final BitSet given;
    /** The read this reader gives: {@link #readByRevision} of the same read may take {@link #given}. */
    private final ReadOf of;

    /**
     * @param keep  keys to yield (null: all); asked per reference, a key's revisions being adjacent
     * @param owned the sorter to close with this reader, null when it outlives the reader
     * @param of    the read this reader gives: once it has given every record, they are marked for
     *              {@link #readByRevision} of the same read
     */
    ViewReader(Iterator<RevisionRef> sorted, ReadView view, java.util.function.Predicate<byte[]> keep, RevisionSorter owned,
        ReadOf of) {
      this.owned = owned;
      this.refs = keep == null ? sorted : kept(sorted, keep);
      this.view = view;
      this.of = of;
      this.given = view.mode() != ReadView.Mode.HISTORY && !view.deletedOnly() ? new BitSet() : null;
    }

    @Override
    public MvccEntry next() {
      RevisionRef ref = nextRef();
      return ref == null ? null : load(ref, deletedAt);
    }

    /** Where the record is found on this thread; its copy out of the file is left to the caller's. */
    @Override
    public java.util.function.Supplier<MvccEntry> nextLoader() {
      RevisionRef ref = nextRef();
      long deleted = deletedAt;
      return ref == null ? null : () -> load(ref, deleted);
    }

    /** The next record to yield (0 in {@link #deletedAt}, or the revision that deleted it), or null. */
    private RevisionRef nextRef() {
      deletedAt = 0;
      if (view.mode() == ReadView.Mode.HISTORY) {
        return refs.hasNext() ? refs.next() : null;
      }
      while (pending != null || refs.hasNext()) {
        RevisionRef first = pending != null ? pending : refs.next();
        pending = null;
        RevisionRef lastLive = first.tombstone() ? null : first;
        RevisionRef last = first;
        while (refs.hasNext()) {
          RevisionRef r = refs.next();
          if (!r.sameKey(first)) {
            pending = r;
            break;
          }
          last = r;
          if (!r.tombstone()) {
            lastLive = r;
          }
        }
        if (!view.deletedOnly()) {
          if (!last.tombstone()) {
            if (given != null) {
              given.set(Math.toIntExact(last.note()));
            }
            return last;
          }
        } else if (last.tombstone() && lastLive != null) {
          deletedAt = last.main();
          return lastLive;
        }
      }
      if (given != null) {
        readWhole = new WholeRead(of, given);
      }
      return null;
    }

    private MvccEntry load(RevisionRef ref, long deletedAt) {
      MvccEntry e = EtcdDatabase.this.load(ref);
      return deletedAt == 0 ? e : e.deletedAt(deletedAt);
    }

    @Override
    public void close() {
      if (owned != null) {
        owned.close();
      }
    }
  }

  /** The references whose key {@code keep} accepts. */
  private static Iterator<RevisionRef> kept(Iterator<RevisionRef> refs, java.util.function.Predicate<byte[]> keep) {
    return new Iterator<>() {
      private RevisionRef next = advance();

      private RevisionRef advance() {
        while (refs.hasNext()) {
          RevisionRef r = refs.next();
          if (keep.test(r.key())) {
            return r;
          }
        }
        return null;
      }

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public RevisionRef next() {
        if (next == null) {
          throw new java.util.NoSuchElementException();
        }
        RevisionRef r = next;
        next = advance();
        return r;
      }
    };
  }

  @Override
  public void close() {
    file.close();
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> jsonObject(byte[] b) {
    Object o = Json.parse(utf8(b));
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }
}
