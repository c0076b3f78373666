package io.regshift.etcd;

/** A stream of entries in key order (and revision order within a key); pull, then close. */
public interface EntryReader extends AutoCloseable {

  /** The next entry, or null at the end. */
  MvccEntry next();

  @Override
  void close();
}
