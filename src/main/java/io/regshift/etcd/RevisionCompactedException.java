package io.regshift.etcd;

/** The revision a read was pinned to has been compacted away by etcd. */
public final class RevisionCompactedException extends EtcdRequestException {
  private final long revision;

  public RevisionCompactedException(String message, long revision, Throwable cause) {
    super(message, cause);
    this.revision = revision;
  }

  /** The revision that is gone. */
  public long revision() {
    return revision;
  }
}
