package io.regshift.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Durations as etcdctl (Go's time.ParseDuration) writes them: "5s", "1m30s", "500ms", "1.5s";
 * units h, m, s, ms, us (or µs), ns.
 */
final class GoDuration implements CommandLine.ITypeConverter<Duration> {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ms|us|µs|ns|h|m|s)");

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  static Duration parse(String value) {
    String s = value.trim();
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = PART.matcher(s);
    BigDecimal nanos = BigDecimal.ZERO;
    int at = 0;
    while (at < s.length()) {
      if (!m.find(at) || m.start() != at) {
        throw new CommandLine.TypeConversionException("\"" + value + "\" is not a duration (write e.g. 5s, 500ms, 1m30s)");
      }
      long unit = switch (m.group(2)) {
        case "h" -> 3_600_000_000_000L;
        case "m" -> 60_000_000_000L;
        case "s" -> 1_000_000_000L;
        case "ms" -> 1_000_000L;
        case "us", "µs" -> 1_000L;
        default -> 1L;
      };
      nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit)));
      at = m.end();
    }
    if (s.isEmpty()) {
      throw new CommandLine.TypeConversionException("an empty duration (write e.g. 5s)");
    }
    return Duration.ofNanos(nanos.longValue());
  }
}
