package io.regshift.etcd;

/**
 * One record of etcd's {@code key} bucket: the revision it is stored under and the KeyValue.
 * For a put, {@code entry.modRevision() == revision.main()}; a deletion is a tombstone revision.
 */
public record RevisionEntry(RevisionKey revision, MvccEntry entry) {}
