package io.regshift.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regshift.kube.Json;
import io.regshift.testdata.MakeDemoCluster;
import io.regshift.testing.EtcdExtension;
import io.regshift.testing.EtcdServer;
import io.regshift.testing.Etcdctl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code regshift restore} of the demo cluster (written into a live etcd by the generator) into
 * other, real etcds, checked with etcdctl: keys and values byte for byte, each key written once
 * (version 1), also across a target killed in the middle and started again on its data.
 */
class RestoreCommandTest {
  @RegisterExtension static EtcdExtension source = new EtcdExtension();
  @RegisterExtension EtcdExtension target = new EtcdExtension();
  @TempDir static Path tmp;
  @TempDir Path journals;
  static String live;
  static Map<String, Stored> demo;

  /** A key's value (base64, so any bytes compare) and what etcd says of it. */
  record Stored(String value, long version, long lease, long createRevision) {}

  @BeforeAll
  static void writeDemo() {
    MakeDemoCluster.writeDemo(source.endpoint());
    live = "etcd://" + source.server().hostPort();
    demo = registry(source.endpoint());
    assertTrue(demo.size() > 150, demo.size() + " keys");
  }

  @Test
  void theDefaultRestoreIsTheSourceByteForByteWithoutEventsAndMasterleases() {
    CliRun r = restore(live, target.endpoint());
    assertEquals(0, r.code(), r.show());
    Map<String, Stored> restored = registry(target.endpoint());
    Map<String, String> expected = values(demo);
    long events = expected.keySet().stream().filter(k -> k.startsWith("/registry/events/")).count();
    assertTrue(events > 10, events + " events");
    expected.keySet().removeIf(k -> k.startsWith("/registry/events/") || k.startsWith("/registry/masterleases/"));
    assertEquals(expected, values(restored));
    restored.forEach((k, s) -> assertEquals(1, s.version(), k));
    // a real restore's order: what others need is created first
    assertTrue(lastCreated(restored, "/registry/namespaces/", "/registry/apiextensions.k8s.io/")
        < firstCreated(restored, "/registry/serviceaccounts/"));
    assertTrue(lastCreated(restored, "/registry/serviceaccounts/", "/registry/secrets/", "/registry/configmaps/")
        < firstCreated(restored, "/registry/pods/", "/registry/deployments/", "/registry/stable.example.com/"));
    assertTrue(lastCreated(restored, "/registry/pods/") < firstCreated(restored, "/registry/leases/"));
    assertTrue(r.err().contains("written " + expected.size() + ", resumed 0, skipped " + events + " (events " + events
        + "), conflicts 0, verified " + expected.size() + "\n"), r.err());
    assertFalse(Files.exists(journals.resolve("restore.journal")), "the journal is removed once the restore is verified");
  }

  @Test
  void includeAllFromAnArchiveIsExactlyTheSourceAndEventsGetAnHourLease() throws Exception {
    Path archive = tmp.resolve("demo.tar.gz");
    assertEquals(0, CliRun.of("backup", live, "-f", archive.toString()).code());
    CliRun r = restore(archive.toString(), target.endpoint(), "--include-all");
    assertEquals(0, r.code(), r.show());
    Map<String, Stored> restored = registry(target.endpoint());
    assertEquals(values(demo), values(restored));
    restored.forEach((k, s) -> {
      assertEquals(1, s.version(), k);
      assertEquals(k.startsWith("/registry/events/"), s.lease() != 0, k);
    });
    long lease = restored.values().stream().filter(s -> s.lease() != 0).findFirst().orElseThrow().lease();
    Map<?, ?> ttl = (Map<?, ?>) Json.parse(new Etcdctl(target.endpoint()).run("lease", "timetolive",
        Long.toHexString(lease), "-w", "json"));
    assertEquals(3600L, ttl.get("granted-ttl"));
    assertFalse(Files.exists(Path.of(archive + ".restore-journal")));
  }

  @Test
  void aDryRunWritesNothingAndANonEmptyTargetIsRefused() {
    Etcdctl etcdctl = new Etcdctl(target.endpoint());
    etcdctl.put("/registry/namespaces/blog", "not the source's");
    long revision = revision(target.endpoint());
    CliRun dry = restore(live, target.endpoint(), "--dry-run");
    assertEquals(0, dry.code(), dry.show());
    assertTrue(dry.out().contains("conflict /registry/namespaces/blog (value differs)\n"), dry.show());
    assertTrue(dry.out().contains("events (left out)"), dry.show());
    assertTrue(dry.err().contains("nothing written"), dry.show());
    assertEquals(revision, revision(target.endpoint()));
    assertEquals(1, registry(target.endpoint()).size());

    CliRun refused = restore(live, target.endpoint());
    assertEquals(2, refused.code(), refused.show());
    assertEquals("regshift: etcd://" + target.server().hostPort() + ": the target already holds 1 key under /registry/;"
        + " refusing to restore into it (--dry-run lists them; --on-conflict fail|skip|overwrite restores anyway)\n",
        refused.err());
    assertEquals(revision, revision(target.endpoint()));

    CliRun failed = restore(live, target.endpoint(), "--on-conflict", "fail");
    assertEquals(2, failed.code(), failed.show());
    assertTrue(failed.err().contains("the target already holds /registry/namespaces/blog (value differs)"), failed.show());
    assertEquals("not the source's", etcdctl.get("/registry/namespaces/blog").orElseThrow());
  }

  @Test
  void onConflictSkipKeepsTheTargetsValueAndOverwriteReplacesIt() {
    Etcdctl etcdctl = new Etcdctl(target.endpoint());
    etcdctl.put("/registry/namespaces/blog", "not the source's");
    CliRun skip = restore(live, target.endpoint(), "--on-conflict", "skip", "--include-all");
    assertEquals(0, skip.code(), skip.show());
    assertTrue(skip.err().contains("conflicts 1, verified " + (demo.size() - 1)), skip.show());
    Map<String, String> expected = values(demo);
    expected.put("/registry/namespaces/blog", b64("not the source's"));
    assertEquals(expected, values(registry(target.endpoint())));

    CliRun overwrite = restore(live, target.endpoint(), "--on-conflict", "overwrite", "--include-all");
    assertEquals(0, overwrite.code(), overwrite.show());
    assertTrue(overwrite.err().contains("written 1, "), overwrite.show());
    Map<String, Stored> restored = registry(target.endpoint());
    assertEquals(values(demo), values(restored));
    assertEquals(2, restored.get("/registry/namespaces/blog").version());

    // the journal went with the verified run: the same bytes now are the target's own, not a resumed write
    CliRun again = restore(live, target.endpoint(), "--on-conflict", "skip", "--include-all");
    assertEquals(0, again.code(), again.show());
    assertTrue(again.err().contains("written 0, resumed 0, skipped 0, conflicts " + demo.size() + ", verified 0"), again.show());
  }

  @Test
  void aRestoreCutByATargetKillGoesOnWhereItStopped(@TempDir Path data) throws Exception {
    Path journal = data.resolve("restore.journal");
    Path etcdData = data.resolve("etcd");
    EtcdServer.Options onData = EtcdServer.Options.builder().args("--data-dir=" + etcdData).build();
    CliRun cut;
    try (EtcdServer first = EtcdServer.start(onData)) {
      AtomicBoolean killed = new AtomicBoolean();
      Thread killer = new Thread(() -> {
        try {
          while (!Files.exists(journal) || Files.readAllLines(journal).size() < 80) {
            Thread.sleep(1);
          }
          ProcessHandle.of(first.pid()).ifPresent(ProcessHandle::destroyForcibly);
          killed.set(true);
        } catch (Exception e) {
          // the restore failing or finishing first is caught by the assertions below
        }
      });
      killer.start();
      cut = restore(live, first.endpoint(), "--include-all", "--txn-ops", "1", "--in-flight", "2",
          "--journal", journal.toString());
      killer.join(10_000);
      assertTrue(killed.get(), "the target was not killed: " + cut.show());
    }
    assertEquals(2, cut.code(), cut.show());
    assertTrue(cut.err().startsWith("regshift: etcd://127.0.0.1:"), cut.show());
    assertTrue(Files.exists(journal));
    try (EtcdServer again = EtcdServer.start(onData)) {
      long before = registry(again.endpoint()).size();
      assertTrue(before > 0 && before < demo.size(), before + " keys after the kill");
      CliRun resumed = restore(live, again.endpoint(), "--include-all", "--journal", journal.toString());
      assertEquals(0, resumed.code(), resumed.show());
      Map<String, Stored> restored = registry(again.endpoint());
      assertEquals(values(demo), values(restored));
      restored.forEach((k, s) -> assertEquals(1, s.version(), k + " written twice"));
      assertTrue(resumed.err().contains("verified " + demo.size()), resumed.show());
      assertNotEquals(0, before);
      assertFalse(Files.exists(journal));
    }
  }

  @Test
  void aRestoreStoppedByCtrlCGoesOnWhereItStopped(@TempDir Path data) throws Exception {
    Path journal = data.resolve("restore.journal");
    // a real process, as a user runs it, so that SIGINT does to it what Ctrl-C does
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "io.regshift.cli.Main", "restore", live,
        "--endpoints", target.endpoint(), "--include-all", "--txn-ops", "1", "--in-flight", "1",
        "--journal", journal.toString());
    Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(data.resolve("stderr").toFile()).start();
    try {
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (!Files.exists(journal) || Files.readAllLines(journal).size() < 60) {
        assertTrue(p.isAlive(), "the restore ended before it was interrupted: " + Files.readString(data.resolve("stderr")));
        assertTrue(System.nanoTime() < deadline, "the restore wrote no journal in a minute");
        Thread.sleep(5);
      }
      assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor());
      assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "SIGINT did not stop the restore");
    } finally {
      p.destroyForcibly();
    }
    assertNotEquals(0, p.exitValue(), "an interrupted restore must not say it succeeded");
    assertTrue(Files.exists(journal), "the journal stays for the next run");
    long before = registry(target.endpoint()).size();
    assertTrue(before > 0 && before < demo.size(), before + " keys after Ctrl-C");

    CliRun resumed = restore(live, target.endpoint(), "--include-all", "--journal", journal.toString());
    assertEquals(0, resumed.code(), resumed.show());
    Map<String, Stored> restored = registry(target.endpoint());
    assertEquals(values(demo), values(restored));
    restored.forEach((k, s) -> assertEquals(1, s.version(), k + " written twice"));
    assertTrue(resumed.err().contains("verified " + demo.size()), resumed.show());
    assertTrue(resumed.err().contains("resumed "), resumed.show());
    assertFalse(Files.exists(journal));
  }

  /** A live SOURCE's journal would go to the working directory: each test keeps its own. */
  private CliRun restore(String from, String to, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("restore", from, "--endpoints", to));
    args.addAll(List.of(more));
    if (from.startsWith("etcd://") && !args.contains("--journal")) {
      args.addAll(List.of("--journal", journals.resolve("restore.journal").toString()));
    }
    return CliRun.of(args.toArray(String[]::new));
  }

  /** Every key under /registry/ as etcdctl reads it. */
  static Map<String, Stored> registry(String endpoint) {
    Map<?, ?> r = (Map<?, ?>) Json.parse(new Etcdctl(endpoint).run("get", "--prefix", "/registry/", "-w", "json"));
    Map<String, Stored> keys = new LinkedHashMap<>();
    Object kvs = r.get("kvs");
    for (Object o : kvs == null ? List.of() : (List<?>) kvs) {
      Map<?, ?> kv = (Map<?, ?>) o;
      String key = new String(Base64.getDecoder().decode((String) kv.get("key")), StandardCharsets.UTF_8);
      Object lease = kv.get("lease");
      keys.put(key, new Stored((String) kv.get("value"), (Long) kv.get("version"), lease == null ? 0 : (Long) lease,
          (Long) kv.get("create_revision")));
    }
    return keys;
  }

  private static long lastCreated(Map<String, Stored> keys, String... prefixes) {
    return created(keys, prefixes).max().orElseThrow();
  }

  private static long firstCreated(Map<String, Stored> keys, String... prefixes) {
    return created(keys, prefixes).min().orElseThrow();
  }

  private static java.util.stream.LongStream created(Map<String, Stored> keys, String... prefixes) {
    return keys.entrySet().stream().filter(e -> java.util.Arrays.stream(prefixes).anyMatch(e.getKey()::startsWith))
        .mapToLong(e -> e.getValue().createRevision());
  }

  private static long revision(String endpoint) {
    Map<?, ?> r = (Map<?, ?>) Json.parse(new Etcdctl(endpoint).run("get", "--prefix", "/", "--keys-only", "-w", "json"));
    return (Long) ((Map<?, ?>) r.get("header")).get("revision");
  }

  private static Map<String, String> values(Map<String, Stored> keys) {
    Map<String, String> v = new LinkedHashMap<>();
    keys.forEach((k, s) -> v.put(k, s.value()));
    return v;
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
