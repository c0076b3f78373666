package io.regshift.etcd;

/** etcd's data is not what etcd writes (a bad revision key or record); the message is one line. */
public final class MvccException extends RuntimeException {
  public MvccException(String message) {
    super(message);
  }
}
