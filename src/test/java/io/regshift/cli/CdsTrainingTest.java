package io.regshift.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The launcher records its class-data-sharing archive from CdsTraining and quietly goes without
 * one when the run fails: a failing training run would only show as slower start-ups.
 */
class CdsTrainingTest {
  @Test
  void everyTrainingRunSucceedsOnTheDemoSnapshot() throws Exception {
    StringWriter said = new StringWriter();
    boolean ok = CdsTraining.run(Path.of("test-data/demo-cluster.db"), new PrintWriter(said));
    String out = said.toString();
    assertTrue(ok, out);
    assertTrue(out.contains("saved etcd's snapshot of etcd://127.0.0.1:"), "the .db backup ran: " + out);
    assertTrue(out.contains("backed up 184 keys"), "the archive backup read every /registry key through jetcd: " + out);
  }
}
