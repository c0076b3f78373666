package io.regshift.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/** Reads etcd's combined stdout/stderr so a failed start can say why in one line. */
final class EtcdLog {

  private static final int TAIL_LINES = 25;

  /**
   * Lines where etcd states its own error: Go flag errors (followed by pages of usage text, so
   * the tail alone would hide them), capnslog C/E lines (etcd 3.4) and zap lines that carry an
   * error (etcd 3.5+ or --logger=zap).
   */
  private static final Pattern ERROR_LINE =
      Pattern.compile(
          "flag provided but not defined|invalid value .* for flag| [CE] \\| "
              + "|\"level\":\"(error|fatal|panic)\"|\"error\":\"");

  private final Path file;

  EtcdLog(Path file) {
    this.file = file;
  }

  Path file() {
    return file;
  }

  boolean contains(String text) {
    return read().contains(text);
  }

  /** The first line that looks like etcd's error, else the last line etcd wrote. */
  String errorLine() {
    List<String> lines = lines();
    return lines.stream()
        .filter(line -> ERROR_LINE.matcher(line).find())
        .findFirst()
        .map(String::strip)
        .orElseGet(
            () ->
                lines.isEmpty()
                    ? "etcd logged nothing"
                    : "no error logged; last line: " + lines.get(lines.size() - 1).strip());
  }

  String tail() {
    List<String> lines = lines();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
  }

  private List<String> lines() {
    return Arrays.stream(read().split("\n")).filter(line -> !line.isBlank()).toList();
  }

  private String read() {
    try {
      // Decode leniently: a log cut mid-character must not hide the rest of it.
      return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }
}
