package io.regshift.archive;

/** An archive cannot be written or read; the message is one line naming the file (and entry). */
public final class ArchiveException extends RuntimeException {
  public ArchiveException(String message) {
    super(message);
  }

  public ArchiveException(String message, Throwable cause) {
    super(message, cause);
  }
}
