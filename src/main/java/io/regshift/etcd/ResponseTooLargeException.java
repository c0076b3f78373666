package io.regshift.etcd;

/** A response was over the client's message limit; a smaller page may fit. */
public final class ResponseTooLargeException extends EtcdRequestException {
  public ResponseTooLargeException(String message, Throwable cause) {
    super(message, cause);
  }
}
