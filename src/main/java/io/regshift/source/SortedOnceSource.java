package io.regshift.source;

import io.regshift.etcd.EntryReader;
import io.regshift.etcd.EtcdDatabase;
import io.regshift.etcd.KeyRange;
import io.regshift.etcd.ReadView;
import java.util.Arrays;
import java.util.function.Predicate;

/**
 * A database file read by a command with several passes over one range ({@link Source#rereading()}):
 * the first read sorts the range's keys and keeps the sort, later reads of the same view and range
 * walk it again. The keep predicate is applied to the sorted keys, which gives the same entries:
 * it decides per key, and the sort keeps the newest revisions of each key together.
 */
final class SortedOnceSource implements Source {
  private final SnapshotSource file;
  private ReadView sortedView;
  private KeyRange sortedRange;
  private EtcdDatabase.SortedRange sorted;

  SortedOnceSource(SnapshotSource file) {
    this.file = file;
  }

  @Override
  public String name() {
    return file.name();
  }

  @Override
  public long headRevision() {
    return file.headRevision();
  }

  @Override
  public long compactRevision() {
    return file.compactRevision();
  }

  @Override
  public EntryReader read(ReadView view, KeyRange range, Predicate<byte[]> keep) {
    if (sorted == null || !view.equals(sortedView) || !sameRange(range, sortedRange)) {
      release();
      sorted = file.database().sort(view, range);
      sortedView = view;
      sortedRange = range;
    }
    return sorted.reader(keep);
  }

  private static boolean sameRange(KeyRange a, KeyRange b) {
    return Arrays.equals(a.from(), b.from()) && Arrays.equals(a.to(), b.to());
  }

  @Override
  public io.regshift.etcd.ClusterInfo cluster() {
    return file.cluster();
  }

  private void release() {
    if (sorted != null) {
      sorted.close();
      sorted = null;
    }
  }

  /** Frees the kept sort; the file stays open (its owner closes it). */
  @Override
  public void close() {
    release();
  }
}
