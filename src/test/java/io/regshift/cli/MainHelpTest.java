package io.regshift.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
