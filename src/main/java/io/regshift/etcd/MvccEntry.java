package io.regshift.etcd;

/**
 * One stored revision of one etcd key: the fields of etcd's {@code mvccpb.KeyValue}, plus whether
 * this revision deleted the key. Every source (snapshot file, live etcd, archive) yields these.
 *
 * @param key            the etcd key, e.g. "/registry/pods/default/web-0"
 * @param value          the stored value bytes exactly as etcd holds them (empty for a deletion)
 * @param createRevision revision at which the key was (last) created
 * @param modRevision    revision of this change; kube-apiserver shows it as resourceVersion
 * @param version        number of changes since creation, 1 for a new key
 * @param lease          lease id, 0 for none
 * @param deleted        true when this entry stands for a deletion (a tombstone, or with
 *                       {@code --deleted}, the last live value of a key deleted since)
 * @param deleteRevision revision of the deletion, 0 when not deleted
 */
public record MvccEntry(byte[] key, byte[] value, long createRevision, long modRevision, long version,
    long lease, boolean deleted, long deleteRevision) {

  /** The key as text (etcd keys under /registry are UTF-8). */
  public String keyString() {
    return new String(key, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** This live entry marked as deleted at {@code revision}. */
  public MvccEntry deletedAt(long revision) {
    return new MvccEntry(key, value, createRevision, modRevision, version, lease, true, revision);
  }
}
