package io.regshift.select;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a selection left out, counted per rule, and with --explain one line per object
 * ({@code excluded KEY: RULE}). Objects kept without a check the selection wanted (their value
 * could not be read) are counted too: nothing is dropped or kept silently.
 */
public final class Exclusions {
  private final PrintWriter explain;
  private final Map<String, Long> excluded = new TreeMap<>();
  private final Map<String, Long> unchecked = new TreeMap<>();

  /** @param explain where --explain writes its lines, or null for counting only */
  public Exclusions(PrintWriter explain) {
    this.explain = explain;
  }

  public static Exclusions counting() {
    return new Exclusions(null);
  }

  /** Records an object left out by {@code rule}; {@code detail} (may be null) is shown by --explain only. */
  public void exclude(String key, String rule, String detail) {
    excluded.merge(rule, 1L, Long::sum);
    if (explain != null) {
      explain.println("excluded " + key + ": " + rule + (detail == null ? "" : " (" + detail + ")"));
    }
  }

  /** Records an object kept although {@code rule} could not check it. */
  public void keepUnchecked(String key, String rule, String detail) {
    unchecked.merge(rule, 1L, Long::sum);
    if (explain != null) {
      explain.println("unchecked " + key + ": " + rule + (detail == null ? "" : " (" + detail + ")"));
    }
  }

  /** An --explain line for a key a command's own rules leave out (counted by the command). */
  public void explainOnly(String key, String rule) {
    if (explain != null) {
      explain.println("excluded " + key + ": " + rule);
    }
  }

  public boolean explaining() {
    return explain != null;
  }

  public long total() {
    return excluded.values().stream().mapToLong(Long::longValue).sum();
  }

  public long uncheckedTotal() {
    return unchecked.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Excluded objects per rule, most first. */
  public Map<String, Long> perRule() {
    return sorted(excluded);
  }

  public Map<String, Long> uncheckedPerRule() {
    return sorted(unchecked);
  }

  /** For a command's summary line: ", 12 excluded by the selection", or "" when none. */
  public String summaryPart() {
    long n = total();
    return n == 0 ? "" : String.format(", %,d excluded by the selection%s", n, explaining() ? "" : " (--explain lists them)");
  }

  /**
   * Warnings about objects kept unchecked, and with --explain the count per rule; on stderr
   * after the command's own summary.
   */
  public void report(PrintWriter err) {
    long u = uncheckedTotal();
    if (u > 0) {
      err.println(String.format("regshift: %,d object%s kept without the --portable check: the value cannot be read;"
          + " pass --encryption-config for values encrypted at rest", u, u == 1 ? "" : "s"));
    }
    if (excluded.containsKey(Selection.RULE_LABELS_UNREADABLE)) {
      long n = excluded.get(Selection.RULE_LABELS_UNREADABLE);
      err.println(String.format("regshift: %,d object%s left out by -l: the value cannot be read, so neither can its"
          + " labels; pass --encryption-config for values encrypted at rest", n, n == 1 ? "" : "s"));
    }
    if (explaining()) {
      long total = total();
      err.println(String.format("regshift: excluded %,d object%s%s", total, total == 1 ? "" : "s", total == 0 ? "" : ":"));
      perRule().forEach((rule, n) -> err.println(String.format("%8d  %s", n, rule)));
    }
  }

  private static Map<String, Long> sorted(Map<String, Long> m) {
    Map<String, Long> out = new LinkedHashMap<>();
    m.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()
        .thenComparing(Map.Entry.comparingByKey())).forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }
}
