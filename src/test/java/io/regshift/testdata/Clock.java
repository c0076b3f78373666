package io.regshift.testdata;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * The generated cluster's wall clock: starts at a fixed instant and only moves when the scenario
 * says so, so timestamps (and names derived from them, like events') are the same on every run.
 */
final class Clock {
  private static final DateTimeFormatter MICRO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private Instant now;

  Clock(Instant start) {
    this.now = start;
  }

  Instant now() {
    return now;
  }

  void advanceSeconds(long seconds) {
    now = now.plusSeconds(seconds);
  }

  void advanceMillis(long millis) {
    now = now.plusMillis(millis);
  }

  /** metav1.Time as stored: RFC 3339, whole seconds. */
  String time() {
    return time(now);
  }

  static String time(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** metav1.MicroTime: six fractional digits. */
  String microTime() {
    return MICRO.format(now);
  }

  long unixNanos() {
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
