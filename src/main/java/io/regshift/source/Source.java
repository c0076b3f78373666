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
   * This source for a command that reads the same range more than once (a rewrite's first pass,
   * then the output): a database file then scans and sorts its key bucket once, not per pass.
   * Closing the result frees what it kept and leaves this source open. Others read again.
   */
  default Source rereading() {
    return this;
  }

  /** The cluster the entries came from, as far as the source knows it. */
  default ClusterInfo cluster() {
    return ClusterInfo.unknown();
  }

  @Override
  void close();
}
