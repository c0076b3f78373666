package io.regshift.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The top command builds only the subcommand a run invokes (start-up time); help, the command
 * list and the unknown-command error must still see every command.
 */
class MainHelpTest {

  @Test
  void helpListsEveryCommand() {
    for (String flag : List.of("--help", "-h")) {
      CliRun r = CliRun.of(flag);
      assertEquals(Main.OK, r.code(), r.show());
      for (String name : Main.COMMANDS.keySet()) {
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("  " + name + " ")), name + " missing:\n" + r.show());
      }
      assertTrue(r.out().lines().anyMatch(l -> l.startsWith("  help ")), r.show());
    }
  }

  @Test
  void helpOfOneCommandShowsItsUsage() {
    for (String[] args : List.of(new String[] {"help", "stats"}, new String[] {"stats", "--help"},
        new String[] {"--debug", "stats", "-h"})) {
      CliRun r = CliRun.of(args);
      assertEquals(Main.OK, r.code(), r.show());
      assertTrue(r.out().startsWith("Usage: regshift stats "), r.show());
      assertTrue(r.out().contains("--verify-trailer"), r.show());
      assertEquals("", r.err(), r.show());
    }
    CliRun export = CliRun.of("help", "export");
    assertTrue(export.out().startsWith("Usage: regshift export "), export.show());
  }

  @Test
  void anUnknownCommandIsAUsageError() {
    CliRun r = CliRun.of("stast", "test-data/demo-cluster.db");
    assertEquals(Main.USAGE, r.code(), r.show());
    assertTrue(r.err().startsWith("regshift: Unmatched arguments from index 0: 'stast'"), r.show());
    assertTrue(r.err().contains("Try 'regshift --help'."), r.show());
    assertEquals("", r.out(), r.show());
    CliRun help = CliRun.of("help", "nosuch");
    assertFalse(help.out().contains("Usage: regshift nosuch"), help.show());
  }

  @Test
  void theTableNamesEachCommandAsItsAnnotationDoes() {
    Main.COMMANDS.forEach((name, type) ->
        assertEquals(name, type.getAnnotation(CommandLine.Command.class).name(), type.getName()));
  }

  @Test
  void onlyTheInvokedCommandIsBuilt() {
    Main main = new Main(Map.of());
    assertEquals(Set.of("stats"), Main.commandLine(main, "--debug", "stats", "x.db").getSubcommands().keySet());
    assertEquals(Set.of("export"), Main.commandLine(main, "export", "stats").getSubcommands().keySet());
    assertEquals(Main.COMMANDS.size() + 1, Main.commandLine(main, "help", "stats").getSubcommands().size());
    assertEquals(Main.COMMANDS.size() + 1, Main.commandLine(main).getSubcommands().size());
    assertNull(Main.invokedCommand("--debug"));
  }

  /**
   * Start-up of stats on a file: in a fresh JVM, neither the protobuf schemas (decode's) nor
   * jetcd, gRPC or netty (live sources') are loaded; building every command's model pulled them in.
   */
  @Test
  void statsOnAFileLoadsNoSchemaOrEtcdClientClasses() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "-Xlog:class+load=info", "-Xshare:off",
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "stats", "test-data/demo-cluster.db")
        .redirectErrorStream(true).start();
    List<String> loaded;
    try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())).lines()) {
      loaded = lines.filter(l -> l.contains("[class,load]")).toList();
    }
    assertEquals(Main.OK, p.waitFor());
    assertTrue(loaded.stream().anyMatch(l -> l.contains(" io.regshift.etcd.SnapshotStatus ")), "the log names classes");
    List<String> unwanted = loaded.stream()
        .filter(l -> l.contains(" com.google.protobuf.") || l.contains(" io.regshift.kube.schema.")
            || l.contains(" io.etcd.jetcd.") || l.contains(" io.grpc.") || l.contains(" io.netty."))
        .toList();
    assertEquals(List.of(), unwanted);
  }

  @Test
  void anInheritedDebugFlagStillReachesTheCommand() {
    CliRun quiet = CliRun.of("stats", "no-such-file.db");
    CliRun debug = CliRun.of("stats", "--debug", "no-such-file.db");
    assertEquals(Main.USAGE, quiet.code(), quiet.show());
    assertEquals(1, quiet.err().lines().count(), quiet.show());
    assertTrue(quiet.err().contains("no-such-file.db"), quiet.show());
    assertTrue(debug.err().lines().count() > 1 && debug.err().contains("\tat "), debug.show());
  }
}
