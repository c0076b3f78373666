package io.regshift.etcd;

/** A stream of key-bucket records in revision order (the order etcd stores them); pull, then close. */
public interface RevisionReader extends AutoCloseable {

  /** The next record, or null at the end. */
  RevisionEntry next();

  @Override
  void close();
}
