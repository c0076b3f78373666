package io.regshift.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rewrite -f} runs its rules on every core: whatever the number of threads, the file,
 * the report, the --explain lines and the summary are those of a run on one thread, and an
 * object that fails stops the write with the same message and nothing written.
 */
class RewriteInParallelTest {
  static final String DEMO = "test-data/demo-cluster.db";
  @TempDir Path tmp;

  @Test
  void theFileReportAndSummaryAreThoseOfASequentialRun() throws Exception {
    String[] rules = {"--portable", "--explain", "--map-namespace", "shop=store", "--map-registry",
        "docker.io=mirror.example.net", "--service-cidr", "10.112.0.0/12"};
    Run one = rewrite("one", 1, rules);
    Run four = rewrite("four", 4, rules);
    assertEquals(0, one.cli.code(), one.cli.show());
    assertEquals(0, four.cli.code(), four.cli.show());
    // what a user sees: the exclusions (from values read on worker threads), the counts, the forms
    assertTrue(one.cli.err().contains("excluded /registry/pods/kube-system/"), one.cli.show());
    assertTrue(one.cli.err().contains("rewritten "), one.cli.show());
    assertEquals(one.cli.err().replace(one.dir.toString(), "DIR"), four.cli.err().replace(four.dir.toString(), "DIR"));
    List<String> report = Files.readAllLines(one.dir.resolve("report.jsonl"));
    assertTrue(report.size() > 10, report.toString());
    assertEquals(report, Files.readAllLines(four.dir.resolve("report.jsonl")));
    assertArrayEquals(Files.readAllBytes(one.dir.resolve("out.db")), Files.readAllBytes(four.dir.resolve("out.db")));
    CliRun moved = CliRun.of("ls", four.dir.resolve("out.db").toString(), "-n", "store", "--kind", "deploy", "-o", "name");
    assertEquals(0, moved.code(), moved.show());
    assertTrue(moved.out().contains("deployment.apps/cart"), moved.show());
  }

  @Test
  void anObjectThatCannotBeWrittenStopsTheWriteAsOnOneThread() throws Exception {
    // the survey accepts the patch; encoding the changed ConfigMaps fails (generation is an integer)
    Path rules = tmp.resolve("rules.yaml");
    Files.writeString(rules, """
        version: v1
        resourceModifierRules:
        - conditions:
            groupResource: configmaps
            namespaces: [shop]
          patches:
          - operation: add
            path: /metadata/generation
            value: "{\\"a\\": [1, 2]}"
        """);
    String[] flags = {"--modifiers", rules.toString(), "--map-namespace", "blog=journal"};
    Run one = rewrite("one", 1, flags);
    Run four = rewrite("four", 4, flags);
    String expected = "regshift: /registry/configmaps/shop/kube-root-ca.crt: cannot encode the rewritten object:"
        + " metadata.generation: expected an integer, got an object; nothing written\n";
    for (Run r : List.of(one, four)) {
      assertEquals(2, r.cli.code(), r.cli.show());
      assertEquals(expected, r.cli.err());
      try (Stream<Path> files = Files.list(r.dir)) {
        assertEquals(List.of(), files.toList()); // no file, no report, no staged leftovers
      }
    }
  }

  private record Run(CliRun cli, Path dir) {}

  /** rewrite DEMO -f DIR/out.db --report DIR/report.jsonl FLAGS with -Dregshift.threads=threads. */
  private Run rewrite(String name, int threads, String... flags) throws Exception {
    Path dir = Files.createDirectory(tmp.resolve(name));
    String[] args = Stream.concat(Stream.of("rewrite", DEMO, "-f", dir.resolve("out.db").toString(), "--report",
        dir.resolve("report.jsonl").toString()), Stream.of(flags)).toArray(String[]::new);
    String before = System.getProperty("regshift.threads");
    System.setProperty("regshift.threads", Integer.toString(threads));
    try {
      return new Run(CliRun.of(args), dir);
    } finally {
      if (before == null) {
        System.clearProperty("regshift.threads");
      } else {
        System.setProperty("regshift.threads", before);
      }
    }
  }
}
