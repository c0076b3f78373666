package io.regshift.select;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
  /** Calls kept for {@link #replayInto} (a {@link #deferred} instance only), else null. */
  private final List<String[]> deferredCalls;

  /** @param explain where --explain writes its lines, or null for counting only */
  public Exclusions(PrintWriter explain) {
    this(explain, null);
  }

  private Exclusions(PrintWriter explain, List<String[]> deferredCalls) {
    this.explain = explain;
    this.deferredCalls = deferredCalls;
  }

  /**
   * Counts nothing itself: keeps each call, in order, for {@link #replayInto}. A selection run
   * on a worker thread records here; the thread that owns the real counts (and the --explain
   * lines) replays them in input order, so the counts and lines are those of a sequential run.
   */
  public static Exclusions deferred() {
    return new Exclusions(null, new ArrayList<>(1));
  }

  /** The calls a {@link #deferred} instance kept, made on {@code target}, in their order. */
  public void replayInto(Exclusions target) {
    for (String[] c : deferredCalls) {
      if (c[0] == null) {
        target.keepUnchecked(c[1], c[2], c[3]);
      } else {
        target.exclude(c[1], c[2], c[3]);
      }
    }
  }

  public static Exclusions counting() {
    return new Exclusions(null);
  }

  /** Records an object left out by {@code rule}; {@code detail} (may be null) is shown by --explain only. */
  public void exclude(String key, String rule, String detail) {
    if (deferredCalls != null) {
      deferredCalls.add(new String[] {"exclude", key, rule, detail});
      return;
    }
    excluded.merge(rule, 1L, Long::sum);
    if (explain != null) {
      explain.println("excluded " + key + ": " + rule + (detail == null ? "" : " (" + detail + ")"));
    }
  }

  /** Records an object kept although {@code rule} could not check it. */
  public void keepUnchecked(String key, String rule, String detail) {
    if (deferredCalls != null) {
      deferredCalls.add(new String[] {null, key, rule, detail});
      return;
    }
    unchecked.merge(rule, 1L, Long::sum);
    if (explain != null) {
      explain.println("unchecked " + key + ": " + rule + (detail == null ? "" : " (" + detail + ")"));
    }
  }

  /** An --explain line for a key a command's own rules leave out (counted by the command). */
  public void explainOnly(String key, String rule) {
    if (deferredCalls != null) {
      throw new IllegalStateException("explainOnly on deferred exclusions");
    }
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
