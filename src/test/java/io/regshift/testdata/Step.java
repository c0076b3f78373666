package io.regshift.testdata;

/** One write kube-apiserver makes to etcd, in the order it makes them. */
sealed interface Step {

  /** Where the value goes; null for steps that write no object. */
  String key();

  /** A new object: kube-apiserver's create is a txn "put if the key has no mod revision". */
  record Create(String key, byte[] value, long lease) implements Step {}

  /** A changed object: a txn "put if the mod revision is still the one read". */
  record Update(String key, byte[] value, long lease) implements Step {}

  /** A deleted object: a txn "delete if the mod revision is still the one read". */
  record Delete(String key) implements Step {}

  /** The apiserver's lease manager asks etcd for a lease, which later events are attached to. */
  record GrantLease(long id, long ttlSeconds) implements Step {
    @Override
    public String key() {
      return null;
    }
  }

  /**
   * One run of kube-apiserver's compactor (every --etcd-compaction-interval, 5 min): bump
   * {@code compact_rev_key} and compact etcd to the revision it saw on its previous run.
   */
  record CompactorRun() implements Step {
    @Override
    public String key() {
      return null;
    }
  }
}
