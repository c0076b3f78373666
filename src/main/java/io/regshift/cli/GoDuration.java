package io.regshift.cli;

import io.regshift.kube.proto.GoTimeAccess;
import java.time.Duration;
import picocli.CommandLine;

/**
 * Durations as etcdctl (Go's time.ParseDuration) writes them: "5s", "1m30s", "500ms", "1.5s";
 * parsed by the codec's own Go duration parser.
 */
final class GoDuration implements CommandLine.ITypeConverter<Duration> {

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  static Duration parse(String value) {
    try {
      return Duration.ofNanos(GoTimeAccess.parseDuration(value.trim()));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException("\"" + value + "\" is not a duration (write e.g. 5s, 500ms, 1m30s)");
    }
  }
}
