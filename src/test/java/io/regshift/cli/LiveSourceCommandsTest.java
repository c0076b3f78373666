package io.regshift.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.Client;
import io.regshift.kube.Json;
import io.regshift.testing.EtcdExtension;
import io.regshift.testing.Etcdctl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * ls, get, export, history and stats on a live etcd (SOURCE etcd://host:port) say what etcdctl
 * says about the same keys, and the same as on a snapshot of that etcd.
 */
class LiveSourceCommandsTest {
  @RegisterExtension static EtcdExtension etcd = new EtcdExtension();
  @TempDir static Path tmp;
  static String live;
  static Path snapshot;
  static long head;

  @BeforeAll
  static void populate() throws Exception {
    try (Client client = Client.builder().endpoints(etcd.endpoint()).build()) {
      head = ClusterFixture.populate(client);
    }
    live = "etcd://" + etcd.server().hostPort();
    snapshot = tmp.resolve("same.db");
    new Etcdctl(etcd.endpoint()).run("snapshot", "save", snapshot.toString());
  }

  /** What etcdctl says about the keys under {@code prefix}: key, revisions, version, lease, value size. */
  static List<Map<String, Object>> etcdctlRecords(String endpoint, String prefix) {
    String json = new Etcdctl(endpoint).run("get", "--prefix", "-w", "json", "--", prefix);
    List<Map<String, Object>> out = new ArrayList<>();
    Object kvs = ((Map<?, ?>) Json.parse(json)).get("kvs");
    for (Object o : kvs == null ? List.of() : (List<?>) kvs) {
      Map<?, ?> kv = (Map<?, ?>) o;
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("key", new String(Base64.getDecoder().decode((String) kv.get("key")), StandardCharsets.UTF_8));
      r.put("createRevision", kv.get("create_revision"));
      r.put("modRevision", kv.get("mod_revision"));
      r.put("version", kv.get("version"));
      r.put("lease", kv.get("lease") == null ? 0L : kv.get("lease"));
      r.put("size", kv.get("value") == null ? 0L : (long) Base64.getDecoder().decode((String) kv.get("value")).length);
      out.add(r);
    }
    return out;
  }

  /** The same fields from {@code regshift ls -o json}. */
  static List<Map<String, Object>> lsRecords(String out) {
    List<Map<String, Object>> records = new ArrayList<>();
    for (String line : out.lines().toList()) {
      Map<?, ?> m = (Map<?, ?>) Json.parse(line);
      Map<String, Object> r = new LinkedHashMap<>();
      for (String f : List.of("key", "createRevision", "modRevision", "version", "lease", "size")) {
        r.put(f, m.get(f));
      }
      records.add(r);
    }
    return records;
  }

  @Test
  void lsListsWhatEtcdctlGetPrefixReturns() {
    CliRun r = CliRun.of("ls", live, "-o", "json");
    assertEquals(0, r.code(), r.show());
    assertEquals(etcdctlRecords(etcd.endpoint(), "/registry/"), lsRecords(r.out()));
    assertTrue(r.out().contains("\"lease\":"), "the event is on a lease");
    CliRun small = CliRun.of("ls", live, "-o", "json", "--page-size", "3");
    assertEquals(r.out(), small.out(), "pages of 3 keys give the same listing");
    CliRun all = CliRun.of("ls", live, "--all-keys", "-o", "name");
    assertTrue(all.out().endsWith("compact_rev_key\n"), all.show());
  }

  @Test
  void getAndExportMatchTheSnapshotOfTheSameEtcd() {
    CliRun liveGet = CliRun.of("get", live, "deploy/web-1", "-n", "shop", "-o", "json");
    assertEquals(0, liveGet.code(), liveGet.show());
    assertEquals(CliRun.of("get", snapshot.toString(), "deploy/web-1", "-n", "shop", "-o", "json").out(), liveGet.out());
    assertTrue(liveGet.out().contains("\"replicas\": 5"), liveGet.out());
    CliRun liveExport = CliRun.of("export", live);
    assertEquals(0, liveExport.code(), liveExport.show());
    assertEquals(CliRun.of("export", snapshot.toString()).out(), liveExport.out());
    CliRun filtered = CliRun.of("export", live, "-n", "shop", "--kind", "deploy", "-o", "json");
    assertEquals(4, filtered.out().lines().count(), filtered.show());
  }

  @Test
  void historyOnALiveEtcdIsTheSnapshotsHistory() {
    for (String[] object : List.of(new String[] {"deploy/web-1", "shop"}, new String[] {"cm/cfg-3", "default"},
        new String[] {"ns/shop", "default"})) {
      CliRun l = CliRun.of("history", live, object[0], "-n", object[1], "-o", "json");
      assertEquals(0, l.code(), l.show());
      assertEquals(CliRun.of("history", snapshot.toString(), object[0], "-n", object[1], "-o", "json").out(), l.out(),
          String.join(" ", object));
    }
    CliRun deleted = CliRun.of("history", live, "cm/cfg-3", "-n", "default", "-o", "json");
    assertEquals(List.of("create", "delete"), deleted.out().lines().map(l -> ((Map<?, ?>) Json.parse(l)).get("event")).toList());
  }

  @Test
  void aPastRevisionIsReadAsOfThatRevision() {
    long before = head - 4; // before the deletion of default/cfg-3 (then an event, a custom resource, compact_rev_key)
    CliRun r = CliRun.of("ls", live, "--kind", "cm", "-n", "default", "-o", "name", "--revision", Long.toString(before));
    assertEquals(CliRun.of("ls", snapshot.toString(), "--kind", "cm", "-n", "default", "-o", "name", "--revision",
        Long.toString(before)).out(), r.out());
    assertTrue(r.out().contains("configmap/cfg-3"), r.show());
    CliRun future = CliRun.of("ls", live, "--revision", Long.toString(head + 100));
    assertEquals(2, future.code());
    assertEquals("regshift: " + live + ": revision " + (head + 100) + " is newer than the head revision " + head + "\n", future.err());
  }

  @Test
  void statsOnALiveEtcdCountsLiveValuesAndLeavesSnapshotFieldsOut() {
    CliRun r = CliRun.of("stats", live, "-o", "json");
    assertEquals(0, r.code(), r.show());
    Map<?, ?> s = (Map<?, ?>) Json.parse(r.out());
    assertEquals(head, s.get("revision"));
    assertEquals(0L, s.get("compactRevision"));
    assertTrue(s.get("clusterId") instanceof String, r.out());
    assertEquals(1, ((List<?>) s.get("members")).size());
    for (String snapshotOnly : List.of("hash", "totalKeys", "totalSize", "trailer", "integrityProblems")) {
      assertTrue(!s.containsKey(snapshotOnly), snapshotOnly);
    }
    Map<?, ?> deployments = ((List<?>) s.get("resources")).stream().map(o -> (Map<?, ?>) o)
        .filter(m -> "deployments.apps".equals(m.get("resource"))).findFirst().orElseThrow();
    assertEquals(12L, deployments.get("objects"));
  }

  @Test
  void whatALiveEtcdCannotAnswerIsRefusedInOneLine() {
    CliRun deleted = CliRun.of("ls", live, "--deleted");
    assertEquals(2, deleted.code());
    assertEquals(1, deleted.err().lines().count(), deleted.err());
    assertTrue(deleted.err().startsWith("regshift: " + live + ": listing deleted objects is not supported on a live source"), deleted.err());
    CliRun file = CliRun.of("ls", snapshot.toString(), "--cacert", "ca.crt");
    assertEquals(2, file.code());
    assertTrue(file.err().contains("connection flags apply to a live etcd"), file.err());
  }

  @Test
  void aPrefixWithoutKeysIsAWarningNotAFailure() {
    CliRun r = CliRun.of("ls", live, "--prefix", "/kubernetes.io");
    assertEquals(0, r.code(), r.show());
    assertEquals("", r.out());
    assertEquals("regshift: warning: " + live + " has no keys under /kubernetes.io/ (is --prefix right?)\n", r.err());
    CliRun e = CliRun.of("export", live, "--prefix", "/kubernetes.io");
    assertEquals(0, e.code(), e.show());
    assertTrue(e.err().startsWith("regshift: warning: "), e.err());
  }
}
