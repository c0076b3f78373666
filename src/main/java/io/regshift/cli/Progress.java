package io.regshift.cli;

import java.io.PrintWriter;

/**
 * A progress line on stderr, only when stderr is a terminal (never in pipes, files or CI logs):
 * objects, bytes, rate, and the time left when the total is known.
 */
final class Progress {
  private final PrintWriter err;
  private final String verb;
  private final boolean enabled;
  private final long start = System.nanoTime();
  private long last;
  private long bytes;
  private long expectedObjects = -1;

  private Progress(PrintWriter err, String verb, boolean enabled) {
    this.err = err;
    this.verb = verb;
    this.enabled = enabled;
  }

  static Progress forTerminal(PrintWriter err, String verb) {
    return new Progress(err, verb, System.console() != null && System.getenv("TERM") != null
        && !"dumb".equals(System.getenv("TERM")));
  }

  /** The number of objects expected, so that the line can say how long is left. */
  void expect(long objects) {
    expectedObjects = objects;
  }

  void tick(long objects, long valueBytes) {
    bytes += valueBytes;
    if (!due()) {
      return;
    }
    double secs = elapsed();
    String left = expectedObjects > 0 && objects > 0 && objects <= expectedObjects
        ? String.format(", %d%%, %s left", objects * 100 / expectedObjects, time(secs * (expectedObjects - objects) / objects))
        : "";
    show(String.format("%s %,d objects, %.1f MB (%.1f MB/s)%s", verb, objects, bytes / 1e6, bytes / 1e6 / secs, left));
  }

  /** A transfer of a known size (0 while unknown). */
  void transfer(long done, long total) {
    if (!due()) {
      return;
    }
    double secs = elapsed();
    String left = total > 0 && done > 0 && done <= total
        ? String.format(" of %.1f MB, %d%%, %s left", total / 1e6, done * 100 / total, time(secs * (total - done) / done))
        : "";
    show(String.format("%s %.1f MB%s (%.1f MB/s)", verb, done / 1e6, left, done / 1e6 / secs));
  }

  private boolean due() {
    if (!enabled) {
      return false;
    }
    long now = System.nanoTime();
    if (now - last < 250_000_000L) {
      return false;
    }
    last = now;
    return true;
  }

  private double elapsed() {
    return Math.max((System.nanoTime() - start) / 1e9, 1e-3);
  }

  private void show(String line) {
    err.print("\r\033[K" + line);
    err.flush();
  }

  private static String time(double seconds) {
    long s = Math.round(seconds);
    return s < 60 ? s + "s" : s < 3600 ? s / 60 + "m" + (s % 60) + "s" : s / 3600 + "h" + (s % 3600) / 60 + "m";
  }

  void done() {
    if (enabled && last != 0) {
      err.print("\r\033[K");
      err.flush();
    }
  }
}
