package io.regshift.etcd;

/**
 * Talking to a live etcd failed: unreachable, TLS, authentication, permission, timeout. The
 * message is one line that names the endpoints (or the file) and the cause.
 */
public class EtcdRequestException extends RuntimeException {
  public EtcdRequestException(String message) {
    super(message);
  }

  public EtcdRequestException(String message, Throwable cause) {
    super(message, cause);
  }
}
