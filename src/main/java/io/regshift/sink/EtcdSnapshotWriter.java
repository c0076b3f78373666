package io.regshift.sink;

import io.regshift.bolt.BoltFile;
import io.regshift.bolt.BoltWriter;
import io.regshift.bolt.Bucket;
import io.regshift.bolt.Cursor;
import io.regshift.etcd.KeyValueCodec;
import io.regshift.etcd.MvccEntry;
import io.regshift.etcd.RevisionEntry;
import io.regshift.etcd.RevisionKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes an etcd snapshot file (what {@code etcdctl snapshot save} writes and
 * {@code etcdctl snapshot restore} takes) from key-bucket records in revision order: the
 * {@code key} bucket streamed through {@link BoltWriter}, then etcd's bookkeeping buckets, then the
 * SHA-256 trailer. Memory holds the lease ids that written keys refer to, nothing per key.
 */
public final class EtcdSnapshotWriter implements AutoCloseable {
  /** The buckets etcd 3.4 to 3.6 create; all are written, empty when there is nothing to put. */
  static final List<String> BUCKETS = List.of("alarm", "auth", "authRoles", "authUsers", "cluster", "key", "lease",
      "members", "members_removed", "meta");
  /** Copied as the source has them; restore replaces the members. The alarms are left behind. */
  private static final List<String> COPIED = List.of("auth", "authRoles", "authUsers", "cluster", "members",
      "members_removed");

  /**
   * What goes into the {@code meta} bucket and where the other buckets come from.
   *
   * @param copyFrom          a database file whose auth, cluster, members and (referenced) leases are
   *                          copied, and whose other meta keys (term, confState, storageVersion) are
   *                          kept; null for none
   * @param consistentIndex   raft index the data corresponds to (restore sets its own)
   * @param scheduledCompact  scheduledCompactRev, 0 for none
   * @param finishedCompact   finishedCompactRev, 0 for none
   */
  public record Bookkeeping(BoltFile copyFrom, long consistentIndex, long scheduledCompact, long finishedCompact) {}

  /** What was written. */
  public record Summary(long puts, long tombstones, long markers, long leases, long missingLeases, long lastRevision,
      long fileSize) {}

  private final BoltWriter bolt;
  private final BoltWriter.BucketWriter keys;
  private final Set<Long> leases = new HashSet<>();
  private RevisionKey last;
  private long puts;
  private long tombstones;
  private long markers;

  private EtcdSnapshotWriter(BoltWriter bolt) {
    this.bolt = bolt;
    this.keys = bolt.bucket("key");
  }

  public static EtcdSnapshotWriter create(Path file) {
    return new EtcdSnapshotWriter(BoltWriter.create(file));
  }

  /** The last revision written, 0 before any. */
  public long lastRevision() {
    return last == null ? 0 : last.main();
  }

  /**
   * Appends one record; revisions must increase. A put must be stored under its own mod revision
   * (etcd's invariant), a deletion under a tombstone revision. A put with {@link RevisionEntry#stored()}
   * bytes is written as those bytes, which must be the entry's encoding.
   */
  public void add(RevisionEntry r) {
    RevisionKey rk = r.revision();
    MvccEntry e = r.entry();
    order(rk, e.keyString());
    if (rk.tombstone()) {
      // etcd stores a deletion as the key alone
      keys.put(rk.bytes(), KeyValueCodec.encode(new MvccEntry(e.key(), new byte[0], 0, 0, 0, 0, false, 0)));
      tombstones++;
      return;
    }
    if (e.deleted()) {
      throw new IllegalArgumentException(e.keyString() + ": a deletion must be stored under a tombstone revision");
    }
    if (e.modRevision() != rk.main()) {
      throw new IllegalArgumentException(e.keyString() + ": mod revision " + e.modRevision()
          + " but stored at revision " + rk.main() + " (a rewrite must not change revisions)");
    }
    if (e.createRevision() > e.modRevision() || e.createRevision() < 1 || e.version() < 1) {
      throw new IllegalArgumentException(e.keyString() + ": create revision " + e.createRevision() + ", version "
          + e.version() + " at revision " + e.modRevision() + " is not a stored etcd state");
    }
    // an entry passed through unchanged keeps its stored bytes: no second encoding, nothing lost
    if (r.stored() != null) {
      keys.put(rk.bytes(), r.stored().get());
    } else {
      // the record around the value, which goes into the page as it is: not copied into a record first
      byte[][] around = KeyValueCodec.around(e);
      keys.put(rk.bytes(), around[0], e.value(), around[1]);
    }
    if (e.lease() != 0) {
      leases.add(e.lease());
    }
    puts++;
  }

  /**
   * A record without a key at {@code main} (etcdutl's --bump-revision writes the same): etcd
   * takes its revision as the newest, so the restored cluster continues after it.
   */
  public void marker(long main) {
    RevisionKey rk = new RevisionKey(main, 0, false);
    order(rk, "(revision marker)");
    keys.put(rk.bytes(), new byte[0]);
    markers++;
  }

  private void order(RevisionKey rk, String what) {
    if (last != null && rk.compareTo(last) <= 0) {
      throw new IllegalArgumentException(what + ": revision " + rk + " after " + last
          + " (records must come in increasing revision order)");
    }
    last = rk;
  }

  /** Writes the other buckets, the metas and the trailer. */
  public Summary finish(Bookkeeping b) {
    Summary s = finishImage(b);
    appendTrailer();
    return s;
  }

  /**
   * {@link #finish} less the trailer: the image is complete and readable once this returns, so a
   * check can read it while {@link #appendTrailer()} hashes it. The summary's size counts the
   * trailer to come.
   */
  public Summary finishImage(Bookkeeping b) {
    keys.finish();
    long leaseCount = writeLeases(b.copyFrom());
    long missing = leases.size() - leaseCount;
    for (String name : BUCKETS) {
      switch (name) {
        case "key", "lease", "meta" -> { }
        default -> {
          BoltWriter.BucketWriter w = bolt.bucket(name);
          if (COPIED.contains(name) && b.copyFrom() != null) {
            Bucket src = b.copyFrom().bucket(name);
            if (src != null) {
              Cursor c = src.cursor();
              while (c.next()) {
                w.put(c.key(), c.value());
              }
            }
          }
          w.finish();
        }
      }
    }
    writeMeta(b);
    long size = bolt.finishImage() + 32;
    return new Summary(puts, tombstones, markers, leaseCount, missing, lastRevision(), size);
  }

  /** The SHA-256 trailer, hashed from the image as the file holds it; flushes the file to disk. Returns the hash. */
  public byte[] appendTrailer() {
    return bolt.appendTrailer();
  }

  private long writeLeases(BoltFile from) {
    BoltWriter.BucketWriter w = bolt.bucket("lease");
    long n = 0;
    Bucket src = from == null ? null : from.bucket("lease");
    if (src != null && !leases.isEmpty()) {
      Cursor c = src.cursor();
      while (c.next()) {
        byte[] id = c.key();
        if (id.length == 8 && leases.contains(ByteBuffer.wrap(id).getLong())) {
          w.put(id, c.value());
          n++;
        }
      }
    }
    w.finish();
    return n;
  }

  private void writeMeta(Bookkeeping b) {
    Map<String, byte[]> meta = new TreeMap<>();
    Bucket src = b.copyFrom() == null ? null : b.copyFrom().bucket("meta");
    if (src != null) {
      Cursor c = src.cursor();
      while (c.next()) {
        meta.put(new String(c.key(), StandardCharsets.UTF_8), c.value());
      }
    }
    meta.put("consistent_index", ByteBuffer.allocate(8).putLong(b.consistentIndex()).array());
    meta.remove("scheduledCompactRev");
    meta.remove("finishedCompactRev");
    if (b.scheduledCompact() > 0) {
      meta.put("scheduledCompactRev", new RevisionKey(b.scheduledCompact(), 0, false).bytes());
    }
    if (b.finishedCompact() > 0) {
      meta.put("finishedCompactRev", new RevisionKey(b.finishedCompact(), 0, false).bytes());
    }
    BoltWriter.BucketWriter w = bolt.bucket("meta");
    // the names are ASCII, so String order is bbolt's byte order
    meta.forEach((k, v) -> w.put(k.getBytes(StandardCharsets.UTF_8), v));
    w.finish();
  }

  /** The SHA-256 of the image, as {@link #finish} read it back from the file for the trailer. */
  public byte[] imageSha256() {
    return bolt.imageSha256();
  }

  @Override
  public void close() {
    bolt.close();
  }
}
