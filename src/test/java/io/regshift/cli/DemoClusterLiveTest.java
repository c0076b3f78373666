package io.regshift.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regshift.kube.Json;
import io.regshift.testdata.MakeDemoCluster;
import io.regshift.testing.EtcdExtension;
import io.regshift.testing.Etcdctl;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo cluster (test-data/README.md: a Kubernetes 1.30 cluster with leases, JSON custom
 * resources, a compaction and history after it) written into a live etcd: backups of it read
 * exactly as the live etcd does, and the live source's compaction revision and histories agree
 * with etcdctl and with a snapshot of the same etcd.
 */
class DemoClusterLiveTest {
  @RegisterExtension static EtcdExtension etcd = new EtcdExtension();
  @TempDir static Path tmp;
  static String live;
  static Path snapshot;
  static long head;

  @BeforeAll
  static void write() {
    head = MakeDemoCluster.writeDemo(etcd.endpoint());
    live = "etcd://" + etcd.server().hostPort();
    snapshot = tmp.resolve("demo.db");
    new Etcdctl(etcd.endpoint()).run("snapshot", "save", snapshot.toString());
  }

  @Test
  void archiveAndDbBackupsReadAsTheLiveCluster() {
    Path archive = tmp.resolve("demo.tar.gz");
    Path db = tmp.resolve("backup.db");
    assertEquals(0, CliRun.of("backup", live, "-f", archive.toString(), "--all-keys").code());
    assertEquals(0, CliRun.of("backup", live, "-f", db.toString()).code());
    for (List<String> command : List.of(List.of("ls", "-o", "json"), List.of("ls", "--all-keys", "-o", "wide"),
        List.of("export"), List.of("export", "-o", "json", "--kind", "pods,endpointslices,crontabs.stable.example.com"),
        List.of("get", "deploy/frontend", "-n", "shop"), List.of("get", "/registry/ranges/serviceips", "-o", "json"))) {
      CliRun fromLive = run(command, live);
      assertTrue(fromLive.code() == 0 && !fromLive.out().isEmpty(), fromLive.show());
      for (String copy : List.of(archive.toString(), db.toString(), snapshot.toString())) {
        assertEquals(fromLive.out(), run(command, copy).out(), command + " on " + copy);
      }
    }
    Map<?, ?> liveStats = (Map<?, ?>) Json.parse(CliRun.of("stats", live, "-o", "json").out());
    Map<?, ?> archiveStats = (Map<?, ?>) Json.parse(CliRun.of("stats", archive.toString(), "-o", "json").out());
    assertEquals(liveStats.get("resources"), archiveStats.get("resources"));
    assertEquals(liveStats.get("encodings"), archiveStats.get("encodings"));
    assertEquals(0, CliRun.of("verify", db.toString()).code());
    assertEquals(0, CliRun.of("verify", archive.toString()).code());
    Map<?, ?> status = (Map<?, ?>) Json.parse(new Etcdctl(etcd.endpoint()).run("snapshot", "status", db.toString(), "-w", "json"));
    assertEquals(head, status.get("revision"));
  }

  @Test
  void theLiveCompactionRevisionIsWhereEtcdctlStopsReading() {
    Map<?, ?> s = (Map<?, ?>) Json.parse(CliRun.of("stats", live, "-o", "json").out());
    long compacted = (Long) s.get("compactRevision");
    assertTrue(compacted > 1, s.toString());
    Etcdctl etcdctl = new Etcdctl(etcd.endpoint());
    etcdctl.run("get", "--rev=" + compacted, "compact_rev_key");
    IllegalStateException gone = assertThrows(IllegalStateException.class,
        () -> etcdctl.run("get", "--rev=" + (compacted - 1), "compact_rev_key"));
    assertTrue(gone.getMessage().contains("compacted"), gone.getMessage());
  }

  @Test
  void everyObjectsHistoryOnTheLiveClusterIsTheSnapshots() {
    List<String> keys = new ArrayList<>(CliRun.of("ls", snapshot.toString(), "--all-keys", "-o", "json").out().lines()
        .map(l -> (String) ((Map<?, ?>) Json.parse(l)).get("key")).toList());
    keys.add("/registry/configmaps/blog/blog-legacy-settings"); // deleted after the compaction
    assertTrue(keys.size() > 180, keys.size() + " keys");
    int withHistory = 0;
    for (String key : keys) {
      CliRun fromSnapshot = CliRun.of("history", snapshot.toString(), key, "-o", "json");
      CliRun fromLive = CliRun.of("history", live, key, "-o", "json");
      assertEquals(fromSnapshot.out(), fromLive.out(), key);
      assertEquals(fromSnapshot.code(), fromLive.code(), key);
      withHistory += fromLive.out().lines().count() > 1 ? 1 : 0;
    }
    assertTrue(withHistory > 5, withHistory + " keys with more than one revision");
    assertTrue(CliRun.of("history", live, "/registry/configmaps/blog/blog-legacy-settings", "-o", "json").out()
        .contains("\"event\":\"delete\""));
  }

  private static CliRun run(List<String> command, String source) {
    List<String> args = new ArrayList<>(command);
    args.add(1, source);
    return CliRun.of(args.toArray(String[]::new));
  }
}
