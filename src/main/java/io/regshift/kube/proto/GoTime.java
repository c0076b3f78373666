package io.regshift.kube.proto;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** Times and durations the way Go's metav1 types print and parse them. */
final class GoTime {
  /** metav1.Time: {@code time.RFC3339} in UTC, whole seconds. */
  static String rfc3339(long seconds) {
    StringBuilder b = new StringBuilder(20);
    appendDateTime(b, seconds);
    return b.append('Z').toString();
  }

  /** metav1.MicroTime: {@code 2006-01-02T15:04:05.000000Z07:00} in UTC, truncated to microseconds. */
  static String rfc3339Micro(long seconds, int nanos) {
    StringBuilder b = new StringBuilder(27);
    appendDateTime(b, seconds);
    b.append('.');
    String micros = Integer.toString(Math.floorMod(nanos, 1_000_000_000) / 1000);
    b.append("000000", 0, 6 - micros.length()).append(micros);
    return b.append('Z').toString();
  }

  private static void appendDateTime(StringBuilder b, long seconds) {
    long days = Math.floorDiv(seconds, 86400);
    int secOfDay = (int) Math.floorMod(seconds, 86400);
    // civil-from-days (Howard Hinnant), avoiding java.time's cost on the hot path
    long z = days + 719468;
    long era = Math.floorDiv(z, 146097);
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp < 10 ? mp + 3 : mp - 9;
    if (m <= 2) {
      y++;
    }
    pad(b, y, 4).append('-');
    pad(b, m, 2).append('-');
    pad(b, d, 2).append('T');
    pad(b, secOfDay / 3600, 2).append(':');
    pad(b, secOfDay / 60 % 60, 2).append(':');
    pad(b, secOfDay % 60, 2);
  }

  private static StringBuilder pad(StringBuilder b, long v, int width) {
    String s = Long.toString(v);
    for (int i = s.length(); i < width; i++) {
      b.append('0');
    }
    return b.append(s);
  }

  /** Parses RFC 3339 (any offset, optional fraction) to epoch seconds and nanos. */
  static long[] parseRfc3339(String s) {
    long[] utc = parseUtcSeconds(s);
    if (utc != null) {
      return utc;
    }
    try {
      Instant t = OffsetDateTime.parse(s).toInstant();
      return new long[] {t.getEpochSecond(), t.getNano()};
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("not an RFC 3339 time: \"" + s + "\"");
    }
  }

  /**
   * The form metav1.Time always has, {@code 2024-05-01T12:00:00Z}, read directly (java.time's
   * parser was a twentieth of the CPU of re-encoding objects); null for anything else, which
   * {@link #parseRfc3339} hands to java.time.
   */
  private static long[] parseUtcSeconds(String s) {
    if (s.length() != 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
        || s.charAt(16) != ':' || s.charAt(19) != 'Z') {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0
        || minute > 59 || second < 0 || second > 59) {
      return null;
    }
    long epochDay;
    try {
      epochDay = java.time.LocalDate.of(year, month, day).toEpochDay(); // checks the day exists (no February 30)
    } catch (java.time.DateTimeException notADate) {
      return null;
    }
    return new long[] {epochDay * 86_400 + hour * 3600L + minute * 60L + second, 0};
  }

  /** The decimal number of {@code n} ASCII digits at {@code from}, or -1. */
  private static int digits(String s, int from, int n) {
    int v = 0;
    for (int i = from; i < from + n; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /** Go's {@code time.Duration.String()}. */
  static String duration(long nanos) {
    if (nanos == 0) {
      return "0s";
    }
    boolean neg = nanos < 0;
    // work on the unsigned magnitude, as Go does, so Long.MIN_VALUE prints correctly
    java.math.BigInteger u = java.math.BigInteger.valueOf(nanos).abs();
    long v = u.longValue();
    StringBuilder b = new StringBuilder();
    if (u.compareTo(java.math.BigInteger.valueOf(1_000_000_000L)) < 0) {
      // sub-second: smallest unit that keeps a leading digit
      String unit;
      int prec;
      if (v < 1000) {
        return (neg ? "-" : "") + v + "ns";
      } else if (v < 1_000_000) {
        unit = "µs";
        prec = 3;
      } else {
        unit = "ms";
        prec = 6;
      }
      b.append(fraction(v, prec)).append(unit);
      return (neg ? "-" : "") + b;
    }
    java.math.BigInteger[] sr = u.divideAndRemainder(java.math.BigInteger.valueOf(1_000_000_000L));
    long secs = sr[0].longValue();
    long frac = sr[1].longValue();
    long h = secs / 3600;
    long m = secs / 60 % 60;
    long s = secs % 60;
    String sec = Long.toString(s);
    if (frac != 0) {
      String f = String.format("%09d", frac).replaceAll("0+$", "");
      sec = sec + "." + f;
    }
    if (h > 0) {
      b.append(h).append('h').append(m).append('m').append(sec).append('s');
    } else if (m > 0) {
      b.append(m).append('m').append(sec).append('s');
    } else {
      b.append(sec).append('s');
    }
    return (neg ? "-" : "") + b;
  }

  private static String fraction(long v, int prec) {
    long div = (long) Math.pow(10, prec);
    long whole = v / div;
    long rest = v % div;
    if (rest == 0) {
      return Long.toString(whole);
    }
    String f = String.format("%0" + prec + "d", rest).replaceAll("0+$", "");
    return whole + "." + f;
  }

  /** Go's {@code time.ParseDuration}. */
  static long parseDuration(String s) {
    String orig = s;
    if (s.isEmpty()) {
      throw new IllegalArgumentException("invalid duration \"\"");
    }
    boolean neg = false;
    if (s.charAt(0) == '-' || s.charAt(0) == '+') {
      neg = s.charAt(0) == '-';
      s = s.substring(1);
    }
    if (s.equals("0")) {
      return 0;
    }
    java.math.BigDecimal total = java.math.BigDecimal.ZERO;
    int i = 0;
    if (s.isEmpty()) {
      throw new IllegalArgumentException("invalid duration \"" + orig + "\"");
    }
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
        i++;
      }
      if (start == i) {
        throw new IllegalArgumentException("invalid duration \"" + orig + "\"");
      }
      java.math.BigDecimal num = new java.math.BigDecimal(s.substring(start, i));
      int us = i;
      while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
        i++;
      }
      long unit = switch (s.substring(us, i)) {
        case "ns" -> 1L;
        case "us", "µs", "μs" -> 1_000L;
        case "ms" -> 1_000_000L;
        case "s" -> 1_000_000_000L;
        case "m" -> 60_000_000_000L;
        case "h" -> 3_600_000_000_000L;
        default -> throw new IllegalArgumentException("unknown unit in duration \"" + orig + "\"");
      };
      total = total.add(num.multiply(java.math.BigDecimal.valueOf(unit)));
    }
    long n = total.setScale(0, java.math.RoundingMode.DOWN).longValueExact();
    return neg ? -n : n;
  }

  static OffsetDateTime utc(long seconds) {
    return OffsetDateTime.ofInstant(Instant.ofEpochSecond(seconds), ZoneOffset.UTC);
  }

  private GoTime() {}
}
