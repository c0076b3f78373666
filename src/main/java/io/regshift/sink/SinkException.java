package io.regshift.sink;

/** Output cannot be written where asked; the message is one line naming the target and the cause. */
public final class SinkException extends RuntimeException {
  public SinkException(String message) {
    super(message);
  }

  public SinkException(String message, Throwable cause) {
    super(message, cause);
  }
}
