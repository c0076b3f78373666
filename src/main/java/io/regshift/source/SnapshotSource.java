package io.regshift.source;

import io.regshift.etcd.ClusterInfo;
import io.regshift.etcd.EntryReader;
import io.regshift.etcd.EtcdDatabase;
import io.regshift.etcd.KeyRange;
import io.regshift.etcd.ReadView;
import java.util.function.Predicate;

/** An etcd database file: an {@code etcdctl snapshot save} file or a member's {@code snap/db}. */
public final class SnapshotSource implements Source {
  private final EtcdDatabase db;

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
    return db.read(view, range, keep);
  }

  @Override
  public Source rereading() {
    return new SortedOnceSource(this);
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
