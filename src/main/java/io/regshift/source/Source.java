package io.regshift.source;

import io.regshift.etcd.ClusterInfo;
import io.regshift.etcd.EntryReader;
import io.regshift.etcd.KeyRange;
import io.regshift.etcd.ReadView;
import java.util.function.Predicate;

/**
 * Where entries come from: a snapshot or member database file, a live etcd, or a regshift
 * archive. Every command reads through this, so each works on every kind of source.
 */
public interface Source extends AutoCloseable {

  /** How to name the source in messages: the file path or the endpoints. */
  String name();

  /** The newest revision the source holds. */
  long headRevision();

  /** The compaction revision: states before it cannot be read (0 when never compacted). */
  long compactRevision();

  /**
   * The entries of {@code range} that {@code keep} accepts, in key order, as {@code view} says.
   *
   * @throws SourceException when the view cannot be read (revision compacted or beyond the head)
   */
  EntryReader read(ReadView view, KeyRange range, Predicate<byte[]> keep);

  /**
   * For a command that reads the same range more than once (a rewrite's first pass, then the
   * output; restore's tiers): until the returned handle is closed, a database file keeps the sort
   * of the first view and range read and walks it again for later reads of them, instead of
   * scanning and sorting its key bucket per read. Other sources read again.
   */
  default SortKeeping keepSorted() {
    return () -> {};
  }

  /** What {@link #keepSorted()} keeps; closing it frees that and leaves the source open. */
  interface SortKeeping extends AutoCloseable {
    @Override
    void close();
  }

  /** The cluster the entries came from, as far as the source knows it. */
  default ClusterInfo cluster() {
    return ClusterInfo.unknown();
  }

  @Override
  void close();
}
