package io.regshift.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A kubectl-style table printed in chunks, so that listing a million keys does not hold a
 * million rows: widths come from the rows seen so far and never shrink (kubectl does the same
 * with --chunk-size). A null header drops its column.
 */
final class StreamingTable {
  private static final int CHUNK = 500;
  private final PrintWriter out;
  private final String[] header;
  private final int[] width;
  private final List<String[]> pending = new ArrayList<>();
  private boolean headerPrinted;
  private long rows;

  StreamingTable(PrintWriter out, String... header) {
    this.out = out;
    this.header = Arrays.stream(header).filter(h -> h != null).toArray(String[]::new);
    this.width = new int[this.header.length];
  }

  void add(String... cells) {
    pending.add(cells);
    rows++;
    if (pending.size() >= CHUNK) {
      flush();
    }
  }

  /** Prints what is left; with no rows at all, prints {@code empty} on {@code err} as kubectl does. */
  void finish(String empty, PrintWriter err) {
    if (rows == 0) {
      if (empty != null) {
        err.println(empty);
      }
      return;
    }
    flush();
  }

  private void flush() {
    for (String[] r : pending) {
      for (int i = 0; i < width.length; i++) {
        width[i] = Math.max(width[i], cell(r, i).length());
      }
    }
    if (!headerPrinted) {
      for (int i = 0; i < width.length; i++) {
        width[i] = Math.max(width[i], header[i].length());
      }
      print(header);
      headerPrinted = true;
    }
    for (String[] r : pending) {
      print(r);
    }
    pending.clear();
  }

  private void print(String[] r) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < width.length; i++) {
      String c = cell(r, i);
      b.append(c);
      if (i < width.length - 1) {
        b.append(" ".repeat(width[i] - c.length() + 3));
      }
    }
    int end = b.length();
    while (end > 0 && b.charAt(end - 1) == ' ') {
      end--;
    }
    b.setLength(end);
    out.print(b.append('\n'));
  }

  private static String cell(String[] r, int i) {
    return i < r.length && r[i] != null ? r[i] : "";
  }
}
