package io.regshift.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.regshift.bolt.BoltFile;
import io.regshift.etcd.EtcdDatabase;
import io.regshift.kube.Json;
import io.regshift.testing.EtcdExtension;
import io.regshift.testing.Etcdctl;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code regshift backup} of a live etcd and of files, to etcd snapshots and to archives. */
class BackupCommandTest {
  @RegisterExtension EtcdExtension etcd = new EtcdExtension();
  @TempDir Path tmp;
  String live;
  long head;

  @BeforeEach
  void populate() throws Exception {
    try (Client client = Client.builder().endpoints(etcd.endpoint()).build()) {
      head = ClusterFixture.populate(client);
    }
    live = "etcd://" + etcd.server().hostPort();
  }

  @Test
  void anArchiveReadsAsTheLiveEtcdItWasTakenFrom() throws Exception {
    Path archive = tmp.resolve("cluster.tar.gz");
    CliRun b = CliRun.of("backup", live, "-f", archive.toString());
    assertEquals(0, b.code(), b.show());
    Map<?, ?> m = manifest(archive);
    assertEquals(String.format("regshift: backed up 52 keys (%s of values) at revision %d from %s to %s%n",
        StatsCommand.bytes((Long) m.get("bytes")), head, live, archive), b.err());
    for (String[] command : List.of(new String[] {"ls", "-o", "json"}, new String[] {"ls", "-o", "wide"},
        new String[] {"export"}, new String[] {"export", "-n", "shop", "--kind", "deploy,cm", "-o", "json"})) {
      CliRun fromLive = CliRun.of(with(command, live));
      CliRun fromArchive = CliRun.of(with(command, archive.toString()));
      assertEquals(0, fromArchive.code(), fromArchive.show());
      assertEquals(fromLive.out(), fromArchive.out(), String.join(" ", command));
    }
    assertEquals(CliRun.of("get", live, "secret/token-2", "-n", "kube-system", "-o", "yaml").out(),
        CliRun.of("get", archive.toString(), "secret/token-2", "-n", "kube-system", "-o", "yaml").out());
    assertEquals(CliRun.of("ls", live, "--revision", Long.toString(head), "-o", "name").out(),
        CliRun.of("ls", archive.toString(), "--revision", Long.toString(head), "-o", "name").out());
    CliRun older = CliRun.of("ls", archive.toString(), "--revision", Long.toString(head - 1));
    assertEquals(2, older.code());
    assertEquals("regshift: " + archive + ": an archive holds revision " + head + " only, not " + (head - 1) + "\n", older.err());

    assertEquals("regshift-archive", m.get("format"));
    assertEquals(head, m.get("revision"));
    assertEquals(live, m.get("source"));
    assertTrue(m.get("clusterId") instanceof String id && !id.isEmpty(), m.toString());
    assertEquals(1, ((List<?>) m.get("members")).size());
    Map<?, ?> configmaps = (Map<?, ?>) ((List<?>) m.get("resources")).get(0);
    assertEquals("configmaps", configmaps.get("resource"));
    assertEquals(11L, configmaps.get("entries"));
    assertEquals(52L, m.get("entries"));
    assertEquals("600", Integer.toOctalString(Files.getPosixFilePermissions(archive).stream()
        .mapToInt(p -> 1 << (8 - p.ordinal())).sum()), "backups hold Secrets: owner only");
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(List.of(archive), s.toList(), "no staging file is left beside it");
    }
  }

  @Test
  void writesDuringABackupDoNotReachIt() throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger written = new AtomicInteger();
    Thread writer = new Thread(() -> {
      try (Client client = Client.builder().endpoints(etcd.endpoint()).build()) {
        KV kv = client.getKVClient();
        while (!stop.get()) {
          int n = written.incrementAndGet();
          ClusterFixture.put(kv, "/registry/configmaps/shop/new-" + n, ClusterFixture.encode(ClusterFixture.configMap("shop", "new-" + n, 10)));
          ClusterFixture.put(kv, "/registry/deployments/default/web-0", ClusterFixture.encode(ClusterFixture.deployment("default", "web-0", n)));
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    writer.start();
    Path archive = tmp.resolve("busy.tar.gz");
    CliRun b;
    try {
      while (written.get() < 5) {
        Thread.sleep(5);
      }
      b = CliRun.of("backup", live, "-f", archive.toString(), "--page-size", "2");
    } finally {
      stop.set(true);
      writer.join();
    }
    assertEquals(0, b.code(), b.show());
    long revision = (Long) manifest(archive).get("revision");
    assertTrue(written.get() > 5 && revision > head, "the writer ran before and during the backup");
    // etcdctl's own view at the manifest's revision is exactly what the archive holds
    String atRevision = new Etcdctl(etcd.endpoint()).run("get", "--prefix", "--keys-only", "--rev=" + revision, "/registry/");
    List<String> expected = atRevision.lines().filter(l -> !l.isEmpty()).toList();
    CliRun ls = CliRun.of("ls", archive.toString(), "-o", "json");
    List<Map<?, ?>> lines = ls.out().lines().<Map<?, ?>>map(l -> (Map<?, ?>) Json.parse(l)).toList();
    assertEquals(expected, lines.stream().map(l -> l.get("key")).toList());
    assertTrue(lines.stream().allMatch(l -> (Long) l.get("modRevision") <= revision), "nothing newer than the revision");
    assertTrue(written.get() > lines.stream().filter(l -> ((String) l.get("key")).contains("/new-")).count(),
        "keys written after the revision was taken are not in the archive");
  }

  @Test
  void aDbBackupIsEtcdsOwnSnapshotWithItsChecksum() throws Exception {
    Path db = tmp.resolve("etcd.db");
    CliRun b = CliRun.of("backup", "--endpoints", etcd.endpoint(), "-f", db.toString());
    assertEquals(0, b.code(), b.show());
    assertTrue(b.err().startsWith("regshift: saved etcd's snapshot of " + live + " at revision " + head + " (53 keys, "), b.err());
    assertTrue(b.err().matches("(?s).* to " + java.util.regex.Pattern.quote(db.toString()) + "; sha256 [0-9a-f]{16}… verified\n"), b.err());
    assertEquals(32, Files.size(db) % 512, "the bbolt image, then a 32-byte SHA-256");
    try (BoltFile file = BoltFile.open(db)) {
      assertTrue(file.trailer().present() && file.trailer().verify(), "our reader checks the trailer");
    }
    try (EtcdDatabase database = EtcdDatabase.open(db)) {
      assertEquals(head, database.headRevision());
    }
    String status = new Etcdctl(etcd.endpoint()).run("snapshot", "status", db.toString(), "-w", "json");
    Map<?, ?> s = (Map<?, ?>) Json.parse(status);
    assertEquals(head, s.get("revision"));
    CliRun verify = CliRun.of("verify", db.toString());
    assertEquals(0, verify.code(), verify.show());
    assertTrue(verify.out().contains("sha256 trailer ok"), verify.out());
    assertEquals(CliRun.of("ls", live, "-o", "json").out(), CliRun.of("ls", db.toString(), "-o", "json").out());
  }

  @Test
  void aDbBackupTakesTheFirstEndpointThatAnswersAndIsWhatEtcdctlSaves() throws Exception {
    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort(); // nothing listens there once closed
    }
    Path db = tmp.resolve("second.db");
    CliRun b = CliRun.of("backup", "--endpoints", "127.0.0.1:" + closed + "," + etcd.server().hostPort(), "-f", db.toString());
    assertEquals(0, b.code(), b.show());
    assertTrue(b.err().contains(" at revision " + head + " (53 keys, "), b.err());
    Path theirs = tmp.resolve("etcdctl.db");
    new Etcdctl(etcd.endpoint()).run("snapshot", "save", theirs.toString());
    assertArrayEquals(Files.readAllBytes(theirs), Files.readAllBytes(db), "the same bytes as etcdctl snapshot save");

    Path none = tmp.resolve("none.db");
    CliRun dead = CliRun.of("backup", "etcd://127.0.0.1:" + closed, "-f", none.toString());
    LiveTlsCommandsTest.assertOneLine(dead, "regshift: etcd://127.0.0.1:" + closed
        + ": no endpoint answers (dial timeout 2s): connection refused");
    try (Stream<Path> left = Files.list(tmp)) {
      assertFalse(left.anyMatch(p -> p.getFileName().toString().startsWith("none.db")), "no file and no staging file");
    }
  }

  @Test
  void aWholeDbBackupComesFromALiveEtcdOnly() throws Exception {
    // (with a selection, regshift writes the snapshot itself from any source: RewriteSnapshotTest)
    Path snapshot = tmp.resolve("s.db");
    new Etcdctl(etcd.endpoint()).run("snapshot", "save", snapshot.toString());
    CliRun file = CliRun.of("backup", snapshot.toString(), "-f", tmp.resolve("copy.db").toString());
    assertEquals(2, file.code());
    assertTrue(file.err().contains("is a file; copy it, back it up to an archive (.tar.gz), or select keys"), file.err());
    CliRun name = CliRun.of("backup", live, "-f", tmp.resolve("backup.zip").toString());
    assertEquals(2, name.code());
    assertTrue(name.err().contains("name the backup FILE.db (etcd snapshot) or FILE.tar.gz / FILE.tgz (archive)"), name.err());
    CliRun none = CliRun.of("backup", "-f", tmp.resolve("x.tar.gz").toString());
    assertEquals(2, none.code());
    assertTrue(none.err().startsWith("regshift: no SOURCE"), none.err());
  }

  @Test
  void aSnapshotFileBacksUpToAnArchiveWithASelection() throws Exception {
    Path snapshot = tmp.resolve("s.db");
    new Etcdctl(etcd.endpoint()).run("snapshot", "save", snapshot.toString());
    Path archive = tmp.resolve("shop.tgz");
    CliRun b = CliRun.of("backup", snapshot.toString(), "-f", archive.toString(), "-n", "shop");
    assertEquals(0, b.code(), b.show());
    Map<?, ?> m = manifest(archive);
    assertEquals(Map.of("namespaces", List.of("shop"), "kinds", List.of(), "allKeys", false), m.get("selection"));
    assertEquals(null, m.get("clusterId"), "a database file does not record the cluster id");
    assertEquals(1, ((List<?>) m.get("members")).size(), "but it records the members");
    assertEquals(CliRun.of("ls", live, "-n", "shop", "-o", "json").out(), CliRun.of("ls", archive.toString(), "-o", "json").out());
    Path again = tmp.resolve("again.tar.gz");
    assertEquals(0, CliRun.of("backup", archive.toString(), "-f", again.toString(), "--kind", "deploy").code());
    assertEquals(CliRun.of("ls", live, "-n", "shop", "--kind", "deploy", "-o", "name").out(),
        CliRun.of("ls", again.toString(), "-o", "name").out(), "an archive backs up to an archive");
  }

  @Test
  void gnuTarListsAndExtractsTheArchive() throws Exception {
    Path archive = tmp.resolve("cluster.tar.gz");
    assertEquals(0, CliRun.of("backup", live, "-f", archive.toString(), "--all-keys").code());
    Process list = new ProcessBuilder("tar", "tzf", archive.toString()).start();
    List<String> names = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    assertEquals(0, list.waitFor());
    assertEquals("manifest.json", names.get(0));
    assertTrue(names.contains("keys/registry/deployments/shop/web-1"), names.toString());
    assertTrue(names.contains("other-keys/compact_rev_key"), names.toString());
    Path out = Files.createDirectory(tmp.resolve("x"));
    Process extract = new ProcessBuilder("tar", "xzf", archive.toString(), "-C", out.toString()).start();
    String errors = new String(extract.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, extract.waitFor(), errors);
    assertEquals("", errors, "no warnings about regshift's PAX records");
    byte[] stored = new Etcdctl(etcd.endpoint()).run("get", "--print-value-only", "compact_rev_key").strip().getBytes(StandardCharsets.UTF_8);
    assertArrayEquals(stored, Files.readAllBytes(out.resolve("other-keys/compact_rev_key")));
  }

  @Test
  void aDamagedOrTruncatedArchiveIsOneLineNamingTheEntry() throws Exception {
    Path archive = tmp.resolve("cluster.tar.gz");
    assertEquals(0, CliRun.of("backup", live, "-f", archive.toString()).code());
    Path damaged = tmp.resolve("damaged.tar.gz");
    rewrite(archive, damaged, "keys/registry/secrets/shop/token-1", false);
    CliRun ls = CliRun.of("ls", damaged.toString());
    assertEquals(2, ls.code(), ls.show());
    assertEquals("regshift: " + damaged + ": entry \"keys/registry/secrets/shop/token-1\": the value does not match its"
        + " SHA-256 (damaged)\n", ls.err());
    Path dropped = tmp.resolve("dropped.tar.gz");
    rewrite(archive, dropped, "keys/registry/secrets/shop/token-1", true);
    CliRun dls = CliRun.of("ls", dropped.toString(), "-o", "name");
    assertEquals(2, dls.code(), dls.show());
    assertTrue(dls.err().endsWith(": holds 51 entries, its manifest says 52 (entries lost or added)\n"), dls.err());
    byte[] bytes = Files.readAllBytes(archive);
    Path cut = Files.write(tmp.resolve("cut.tar.gz"), java.util.Arrays.copyOf(bytes, bytes.length * 2 / 3));
    CliRun c = CliRun.of("export", cut.toString());
    assertEquals(2, c.code(), c.show());
    assertEquals(1, c.err().lines().filter(l -> l.startsWith("regshift: " + cut)).count(), c.err());
    assertTrue(c.err().contains("truncated"), c.err());
    CliRun v = CliRun.of("verify", damaged.toString());
    assertEquals(1, v.code(), v.show());
    assertTrue(v.out().contains("keys/registry/secrets/shop/token-1"), v.out());
    CliRun good = CliRun.of("verify", archive.toString());
    assertEquals(0, good.code(), good.show());
    assertTrue(good.out().startsWith(archive + ": sound: 52 entries"), good.out());
  }

  @Test
  void aCompactionDuringABackupIsAnErrorOrWithRetryANewStart() throws Exception {
    try (Client client = Client.builder().endpoints(etcd.endpoint()).build()) {
      KV kv = client.getKVClient();
      for (int i = 0; i < 300; i++) {
        ClusterFixture.put(kv, "/registry/configmaps/many/cm-" + i, ClusterFixture.encode(ClusterFixture.configMap("many", "cm-" + i, 10)));
      }
      for (boolean retry : new boolean[] {false, true}) {
        Path archive = tmp.resolve("retry-" + retry + ".tar.gz");
        Thread compactor = compactOnceTheBackupRuns(kv, archive);
        CliRun b = retry ? CliRun.of("backup", live, "-f", archive.toString(), "--page-size", "1", "--retry-on-compaction")
            : CliRun.of("backup", live, "-f", archive.toString(), "--page-size", "1");
        compactor.join();
        if (retry) {
          assertEquals(0, b.code(), b.show());
          assertTrue(b.err().contains("was compacted during the backup; starting again at revision"), b.err());
          assertTrue(Files.exists(archive));
        } else {
          assertEquals(2, b.code(), b.show());
          assertEquals(1, b.err().lines().count(), b.err());
          assertTrue(b.err().contains("was compacted while reading it") && b.err().contains("--retry-on-compaction"), b.err());
          assertFalse(Files.exists(archive));
        }
      }
    }
  }

  /** Compacts etcd to its newest revision as soon as the backup writes its staging file. */
  private Thread compactOnceTheBackupRuns(KV kv, Path archive) {
    Thread t = new Thread(() -> {
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
          try (Stream<Path> s = Files.list(archive.getParent())) {
            if (s.anyMatch(p -> p.getFileName().toString().startsWith("." + archive.getFileName() + ".regshift-"))) {
              break;
            }
          }
          Thread.sleep(2);
        }
        long rev = ClusterFixture.put(kv, "/registry/configmaps/many/bump", ClusterFixture.encode(ClusterFixture.configMap("many", "bump", 1)));
        kv.compact(rev).get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    t.start();
    return t;
  }

  static Map<?, ?> manifest(Path archive) throws Exception {
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(Files.newInputStream(archive)))) {
      TarArchiveEntry first = tar.getNextEntry();
      assertEquals("manifest.json", first.getName());
      return (Map<?, ?>) Json.parse(tar.readAllBytes());
    }
  }

  /** Copies the archive, changing one byte of {@code name}'s value (or leaving the entry out). */
  private static void rewrite(Path from, Path to, String name, boolean drop) throws Exception {
    try (TarArchiveInputStream in = new TarArchiveInputStream(new GZIPInputStream(Files.newInputStream(from)));
         OutputStream file = Files.newOutputStream(to);
         TarArchiveOutputStream out = new TarArchiveOutputStream(new GZIPOutputStream(file))) {
      out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        byte[] data = in.readAllBytes();
        if (e.getName().equals(name)) {
          if (drop) {
            continue;
          }
          data[data.length / 2] ^= 1;
        }
        out.putArchiveEntry(e);
        out.write(data);
        out.closeArchiveEntry();
      }
    }
  }

  private static String[] with(String[] command, String source) {
    List<String> args = new ArrayList<>(List.of(command));
    args.add(1, source);
    return args.toArray(String[]::new);
  }
}
