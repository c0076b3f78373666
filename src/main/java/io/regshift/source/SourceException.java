package io.regshift.source;

/** A source cannot be opened or read; the message is one line naming the source and the cause. */
public final class SourceException extends RuntimeException {
  public SourceException(String message) {
    super(message);
  }

  public SourceException(String message, Throwable cause) {
    super(message, cause);
  }
}
