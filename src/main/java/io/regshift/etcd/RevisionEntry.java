package io.regshift.etcd;

/**
 * One record of etcd's {@code key} bucket: the revision it is stored under and the KeyValue.
 * For a put, {@code entry.modRevision() == revision.main()}; a deletion is a tombstone revision.
 *
 * @param stored the KeyValue record exactly as a database file holds it, when read from one (null
 *               otherwise), read when asked: a writer copying the entry unchanged stores these bytes
 *               instead of encoding the entry again, and an entry a rule changed never needs them
 */
public record RevisionEntry(RevisionKey revision, MvccEntry entry, java.util.function.Supplier<byte[]> stored) {

  public RevisionEntry(RevisionKey revision, MvccEntry entry) {
    this(revision, entry, null);
  }
}
