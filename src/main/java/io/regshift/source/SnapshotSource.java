package io.regshift.source;

import io.regshift.etcd.ClusterInfo;
import io.regshift.etcd.EntryReader;
import io.regshift.etcd.EtcdDatabase;
import io.regshift.etcd.KeyRange;
import io.regshift.etcd.ReadView;
import java.util.Arrays;
import java.util.function.Predicate;

/** An etcd database file: an {@code etcdctl snapshot save} file or a member's {@code snap/db}. */
public final class SnapshotSource implements Source {
  private final EtcdDatabase db;
  private boolean keeping;
  private EtcdDatabase.SortedRange kept;
  private ReadView keptView;
  private KeyRange keptRange;

  public SnapshotSource(EtcdDatabase db) {
    this.db = db;
  }

  public EtcdDatabase database() {
    return db;
  }

  @Override
  public String name() {
    return db.path().toString();
  }

  @Override
  public long headRevision() {
    return db.headRevision();
  }

  @Override
  public long compactRevision() {
    return db.compactRevision();
  }

  @Override
  public EntryReader read(ReadView view, KeyRange range, Predicate<byte[]> keep) {
    if (keeping) {
      if (kept == null) {
        kept = db.sort(view, range);
        keptView = view;
        keptRange = range;
      }
      if (view.equals(keptView) && Arrays.equals(range.from(), keptRange.from()) && Arrays.equals(range.to(), keptRange.to())) {
        // keep decides per key, and the sort holds each key's kept revisions together: the same entries
        return kept.reader(keep);
      }
    }
    return db.read(view, range, keep); // another range: a fresh read, so readers of the kept sort stay valid
  }

  /** The first view and range read is sorted once and kept until the handle is closed. */
  @Override
  public SortKeeping keepSorted() {
    keeping = true;
    return () -> {
      keeping = false;
      if (kept != null) {
        kept.close();
        kept = null;
      }
    };
  }

  /** Members as the file's {@code members} bucket records them; a database holds no cluster id. */
  @Override
  public ClusterInfo cluster() {
    return new ClusterInfo(null, db.meta().members().stream()
        .map(m -> new ClusterInfo.Member(m.id(), m.name(), m.peerUrls(), java.util.List.of(), m.learner()))
        .toList());
  }

  @Override
  public void close() {
    db.close();
  }
}
