package io.regshift.cli;

/** A failure to report in one line: bad usage or unreadable input (exit code 2 by default). */
public final class UsageException extends RuntimeException {
  private final int exitCode;

  public UsageException(String message) {
    this(message, Main.USAGE);
  }

  public UsageException(String message, int exitCode) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
