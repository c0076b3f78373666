package io.regshift.cli;

import java.io.PrintWriter;

/** A progress line on stderr, only when stderr is a terminal (never in pipes, files or CI logs). */
final class Progress {
  private final PrintWriter err;
  private final String verb;
  private final boolean enabled;
  private final long start = System.nanoTime();
  private long last;
  private long bytes;

  private Progress(PrintWriter err, String verb, boolean enabled) {
    this.err = err;
    this.verb = verb;
    this.enabled = enabled;
  }

  static Progress forTerminal(PrintWriter err, String verb) {
    return new Progress(err, verb, System.console() != null && System.getenv("TERM") != null
        && !"dumb".equals(System.getenv("TERM")));
  }

  void tick(long objects, long valueBytes) {
    bytes += valueBytes;
    if (!enabled) {
      return;
    }
    long now = System.nanoTime();
    if (now - last < 250_000_000L) {
      return;
    }
    last = now;
    double secs = Math.max((now - start) / 1e9, 1e-3);
    err.print(String.format("\r%s %,d objects, %.1f MB (%.1f MB/s)", verb, objects, bytes / 1e6, bytes / 1e6 / secs));
    err.flush();
  }

  void done() {
    if (enabled && last != 0) {
      err.print("\r\033[K");
      err.flush();
    }
  }
}
