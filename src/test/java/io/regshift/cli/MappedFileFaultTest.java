package io.regshift.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regshift.bolt.BoltFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * When a snapshot shrinks under its memory mapping, the JVM's InternalError may surface on a
 * worker thread (the page check) and reach the command wrapped: the user still gets one line
 * naming the file, not "java.lang.InternalError: a fault occurred in an unsafe memory access".
 */
class MappedFileFaultTest {

  @Test
  void aFaultFromAWorkerThreadNamesTheMappedFile() {
    Path db = Path.of("test-data/demo-cluster.db");
    try (BoltFile open = BoltFile.open(db)) {
      StringWriter err = new StringWriter();
      CommandLine cl = Main.commandLine(new Main(Map.of()), "stats");
      cl.setErr(new PrintWriter(err, true));
      CommandLine.ParseResult parsed = cl.parseArgs("stats", db.toString());
      InternalError fault = new InternalError("a fault occurred in an unsafe memory access operation");
      int code = new Main.Errors().handleExecutionException(new CompletionException(fault), cl, parsed);
      assertEquals(Main.USAGE, code);
      String line = err.toString().strip();
      assertEquals(1, line.lines().count(), line);
      // other tests' files may be open too: this one must be named
      assertTrue(line.startsWith("regshift: ") && line.contains(db.toString()), line);
      assertTrue(line.endsWith(": the file shrank or changed while being read (" + fault.getMessage() + ")"), line);
      assertFalse(line.contains("java.lang"), line);
    }
  }
}
