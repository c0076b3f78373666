package io.regshift.rewrite;

import io.regshift.kube.Json;
import io.regshift.sink.StagedFile;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * --report FILE: every change the rules made, one JSON object per line
 * ({@code {"key":..,"rule":..,"path":..,"old":..,"new":..}}, plus {@code "note"} when there is
 * one), in the order the objects were written. Written under a temporary name beside FILE and
 * renamed to FILE when the command completes; a failed run leaves no report.
 */
public final class RewriteReport implements AutoCloseable {
  private final StagedFile file;
  private final BufferedWriter out;
  private long lines;

  private RewriteReport(StagedFile file, BufferedWriter out) {
    this.file = file;
    this.out = out;
  }

  public static RewriteReport create(Path target) {
    StagedFile f = StagedFile.create(target, ".part");
    try {
      return new RewriteReport(f, Files.newBufferedWriter(f.path(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      f.close();
      throw new UncheckedIOException(target + ": cannot write the report: " + e.getMessage(), e);
    }
  }

  /** The JSON line of one change. */
  public static String line(Change c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("key", c.key());
    m.put("rule", c.rule());
    m.put("path", c.path());
    m.put("old", c.oldValue());
    m.put("new", c.newValue());
    if (c.note() != null) {
      m.put("note", c.note());
    }
    return Json.writeRecord(m, false);
  }

  public void add(Change c) {
    try {
      out.write(line(c));
      out.write('\n');
      lines++;
    } catch (IOException e) {
      throw new UncheckedIOException(file.target() + ": cannot write the report: " + e.getMessage(), e);
    }
  }

  public void addAll(Iterable<Change> changes) {
    for (Change c : changes) {
      add(c);
    }
  }

  public long lines() {
    return lines;
  }

  public Path target() {
    return file.target();
  }

  /** Flushes and gives the report its name. */
  public void commit() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException(file.target() + ": cannot write the report: " + e.getMessage(), e);
    }
    file.commit();
  }

  /** Removes the report unless it was committed. */
  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      // the staged file goes anyway
    }
    file.close();
  }
}
