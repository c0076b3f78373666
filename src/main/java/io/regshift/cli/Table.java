package io.regshift.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table as kubectl prints one: upper-case headers, columns three spaces apart. */
final class Table {
  private final List<String[]> rows = new ArrayList<>();

  Table(String... headers) {
    rows.add(headers);
  }

  void add(String... cells) {
    rows.add(cells);
  }

  void print(PrintWriter out) {
    int cols = rows.get(0).length;
    int[] width = new int[cols];
    for (String[] r : rows) {
      for (int i = 0; i < cols; i++) {
        width[i] = Math.max(width[i], cell(r, i).length());
      }
    }
    StringBuilder b = new StringBuilder();
    for (String[] r : rows) {
      b.setLength(0);
      for (int i = 0; i < cols; i++) {
        b.append(cell(r, i));
        if (i < cols - 1) {
          b.append(" ".repeat(width[i] - cell(r, i).length() + 3));
        }
      }
      out.println(b.toString().stripTrailing());
    }
    out.flush();
  }

  private static String cell(String[] r, int i) {
    return i < r.length && r[i] != null ? r[i] : "";
  }
}
