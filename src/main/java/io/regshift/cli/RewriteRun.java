package io.regshift.cli;

import io.regshift.rewrite.Change;
import io.regshift.rewrite.RewriteReport;
import io.regshift.rewrite.Rewriter;
import java.util.Map;
import java.util.TreeMap;

/**
 * One command's rewriting: the engine, the report, and the counts of the summary line. {@link
 * #record} is called in output order on the writing thread.
 */
final class RewriteRun implements AutoCloseable {
  private final Rewriter rewriter;
  private final RewriteReport report;
  private long rewritten;
  private long dropped;
  private long kept;
  private final Map<String, long[]> perRule = new TreeMap<>();

  RewriteRun(Rewriter rewriter, RewriteReport report) {
    this.rewriter = rewriter;
    this.report = report;
  }

  Rewriter rewriter() {
    return rewriter;
  }

  boolean active() {
    return rewriter.active();
  }

  /** Counts one entry's outcome and adds its changes to the report. */
  void record(Rewriter.Result r) {
    rewriter.record(r);
    if (r.dropped()) {
      dropped++;
    } else if (r.changed()) {
      rewritten++;
    }
    // counted by runs of one rule: a rule's changes come together, and --new-uids makes 455,000
    String rule = null;
    long run = 0;
    for (Change c : r.changes()) {
      if (c.oldValue() == c.newValue()) {
        kept++;
        continue;
      }
      if (!c.rule().equals(rule)) {
        if (run > 0) {
          count(rule, run);
        }
        rule = c.rule();
        run = 0;
      }
      run++;
    }
    if (run > 0) {
      count(rule, run);
    }
    if (report != null) {
      report.addAll(r.changes());
    }
  }

  /** Adds to a rule's count (the last rule's counter kept at hand: no map lookup, no boxing per entry). */
  private void count(String rule, long n) {
    if (!rule.equals(lastRule)) {
      lastRule = rule;
      lastCount = perRule.computeIfAbsent(rule, r -> new long[1]);
    }
    lastCount[0] += n;
  }

  private String lastRule;
  private long[] lastCount;

  /** Gives the report its name: call when the command's output is complete. */
  void commit() {
    if (report != null) {
      report.commit();
    }
  }

  /** ", rewritten 12 objects (changes: new-uids 40), 2 references outside the selection kept; report: FILE", or "". */
  String summary() {
    if (!active()) {
      return "";
    }
    Map<String, Long> counts = new TreeMap<>();
    perRule.forEach((rule, n) -> counts.put(rule, n[0]));
    return ", " + RewriteOptions.summary(rewritten, dropped, counts)
        + (kept == 0 ? "" : String.format(", %,d %s to objects outside the selection kept", kept, kept == 1 ? "reference" : "references"))
        + (report == null ? "" : "; report: " + report.target());
  }

  long rewritten() {
    return rewritten;
  }

  @Override
  public void close() {
    if (report != null) {
      report.close();
    }
  }
}
