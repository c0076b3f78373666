package io.regshift.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.regshift.bolt.BoltChecker;
import io.regshift.bolt.BoltFile;
import io.regshift.etcd.SnapshotStatus;
import io.regshift.kube.Json;
import io.regshift.kube.StoredValue;
import io.regshift.kube.ValueCodec;
import io.regshift.rewrite.Cidr;
import io.regshift.rewrite.IpAddress;
import io.regshift.rewrite.RangeBitmap;
import io.regshift.testing.EtcdExtension;
import io.regshift.testing.EtcdServer;
import io.regshift.testing.Etcdctl;
import io.regshift.testing.FreeLoopbackPort;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code regshift rewrite SOURCE -f OUT.db} checked by etcd itself: etcdctl 3.4 reads the status
 * of the file, restores it, and an etcd started on the restored data serves exactly the expected
 * keys, values, revisions and leases, and takes new writes after the expected revision.
 */
class RewriteSnapshotTest {
  @RegisterExtension static EtcdExtension etcd = new EtcdExtension();
  @TempDir static Path shared;
  @TempDir Path tmp;

  static Etcdctl source;
  static Path snapshot;
  static long head;
  static byte[] hugeValue;
  static String longKey;

  /** The fixture cluster, with more history, a value larger than a page, keys of 1 byte and of 32 KiB. */
  @BeforeAll
  static void populate() throws Exception {
    try (Client client = Client.builder().endpoints(etcd.endpoint()).build()) {
      ClusterFixture.populate(client);
      KV kv = client.getKVClient();
      hugeValue = new byte[1 << 20];
      new Random(3).nextBytes(hugeValue);
      ClusterFixture.put(kv, "/registry/configmaps/big/huge", hugeValue);
      char[] name = new char[32 * 1024 - "/registry/configmaps/big/".length()];
      Arrays.fill(name, 'n');
      longKey = "/registry/configmaps/big/" + new String(name);
      ClusterFixture.put(kv, longKey, "long key".getBytes(StandardCharsets.UTF_8));
      ClusterFixture.put(kv, "a", "one-byte key".getBytes(StandardCharsets.UTF_8));
      for (int i = 0; i < 3; i++) {
        ClusterFixture.put(kv, "/registry/configmaps/shop/cfg-1", ("update " + i).getBytes(StandardCharsets.UTF_8));
      }
      kv.delete(ClusterFixture.bs("/registry/secrets/kube-system/token-0")).get(10, TimeUnit.SECONDS);
      head = kv.delete(ClusterFixture.bs("/registry/secrets/kube-system/token-1")).get(10, TimeUnit.SECONDS)
          .getHeader().getRevision();
    }
    source = new Etcdctl(etcd.endpoint());
    snapshot = shared.resolve("source.db");
    source.run("snapshot", "save", snapshot.toString());
  }

  record Kv(byte[] value, long create, long mod, long version, long lease) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Kv k && Arrays.equals(value, k.value) && create == k.create && mod == k.mod
          && version == k.version && lease == k.lease;
    }

    @Override
    public int hashCode() {
      return Long.hashCode(mod);
    }

    @Override
    public String toString() {
      return "Kv[" + value.length + " bytes, create " + create + ", mod " + mod + ", version " + version + ", lease " + lease + "]";
    }
  }

  /** Every key (etcdctl get --prefix "") at {@code rev} (0: the newest), and the header revision. */
  static Map<String, Kv> content(Etcdctl etcdctl, long rev, long[] revision) {
    String json = rev == 0 ? etcdctl.run("get", "--prefix", "-w", "json", "--", "")
        : etcdctl.run("get", "--prefix", "-w", "json", "--rev=" + rev, "--", "");
    Map<?, ?> response = (Map<?, ?>) Json.parse(json);
    if (revision != null) {
      revision[0] = ((Number) ((Map<?, ?>) response.get("header")).get("revision")).longValue();
    }
    Map<String, Kv> out = new LinkedHashMap<>();
    Object kvs = response.get("kvs");
    for (Object o : kvs == null ? List.of() : (List<?>) kvs) {
      Map<?, ?> kv = (Map<?, ?>) o;
      out.put(new String(b64(kv.get("key")), StandardCharsets.UTF_8), new Kv(b64(kv.get("value")),
          num(kv.get("create_revision")), num(kv.get("mod_revision")), num(kv.get("version")), num(kv.get("lease"))));
    }
    return out;
  }

  private static byte[] b64(Object v) {
    return v == null ? new byte[0] : Base64.getDecoder().decode((String) v);
  }

  private static long num(Object v) {
    return v == null ? 0 : ((Number) v).longValue();
  }

  /** etcdctl snapshot restore, then an etcd on the restored data dir. */
  private EtcdServer restore(Path db) {
    String peer = "http://127.0.0.1:" + FreeLoopbackPort.pick();
    Path data = tmp.resolve("restored-" + System.nanoTime());
    source.run("snapshot", "restore", db.toString(), "--data-dir=" + data, "--name=restored",
        "--initial-cluster=restored=" + peer, "--initial-advertise-peer-urls=" + peer);
    return EtcdServer.start(EtcdServer.Options.builder().args("--data-dir=" + data, "--name=restored",
        "--initial-cluster=restored=" + peer, "--initial-advertise-peer-urls=" + peer, "--listen-peer-urls=" + peer).build());
  }

  private CliRun rewrite(String... args) {
    CliRun r = CliRun.of(args);
    assertEquals(0, r.code(), r.show());
    return r;
  }

  private static Map<?, ?> status(Path db) {
    return (Map<?, ?>) Json.parse(source.run("snapshot", "status", "-w", "json", db.toString()));
  }

  /** The file passes our checks, and etcdctl's status agrees with ours on hash, revision and keys. */
  private static void assertSound(Path db, long revision) {
    Map<?, ?> status = status(db);
    assertEquals(revision, num(status.get("revision")));
    try (BoltFile f = BoltFile.open(db)) {
      assertEquals(List.of(), BoltChecker.check(f));
      assertTrue(f.trailer().verify());
      SnapshotStatus ours = SnapshotStatus.compute(f, (rk, kv, from, length, offset) -> { });
      assertEquals(ours.totalKeys(), num(status.get("totalKey")));
      assertEquals(ours.hash(), num(status.get("hash")));
      assertEquals(ours.totalSize(), num(status.get("totalSize")));
    }
  }

  @Test
  void identityOfASnapshotRestoresEveryLiveKeyAtItsRevisionsAndTakesNewWrites() {
    Path out = tmp.resolve("out.db");
    CliRun r = rewrite("rewrite", snapshot.toString(), "-f", out.toString(), "--all-keys");
    assertTrue(r.err().contains("etcd resumes after revision " + head), r.show());
    Map<String, Kv> expected = content(source, 0, null);
    long lastLive = expected.values().stream().mapToLong(Kv::mod).max().orElseThrow();
    assertSound(out, lastLive);
    try (EtcdServer restored = restore(out)) {
      Etcdctl after = new Etcdctl(restored.endpoint());
      long[] rev = new long[1];
      Map<String, Kv> got = content(after, 0, rev);
      assertEquals(expected.keySet(), got.keySet());
      assertEquals(expected, got);
      assertEquals(head, rev[0], "etcd resumes at the source's head, not before its last deletions");
      assertArrayEquals(hugeValue, got.get("/registry/configmaps/big/huge").value());
      assertTrue(got.containsKey(longKey) && got.containsKey("a"));
      long lease = got.get("/registry/events/shop/web-0.17a").lease();
      assertNotEquals(0, lease);
      assertTrue(after.run("lease", "list").contains(Long.toHexString(lease)), "the event's lease came along");
      after.put("/registry/configmaps/default/new", "x");
      content(after, 0, rev);
      assertEquals(head + 1, rev[0]);
      // older revisions are compacted: a watcher of the old cluster relists
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> content(after, head - 1, null));
      assertTrue(e.getMessage().contains("compacted"), e.getMessage());
    }
  }

  @Test
  void keepHistoryKeepsEveryRevision() {
    Path out = tmp.resolve("history.db");
    rewrite("rewrite", snapshot.toString(), "-f", out.toString(), "--all-keys", "--keep-history");
    assertSound(out, head);
    try (EtcdServer restored = restore(out)) {
      Etcdctl after = new Etcdctl(restored.endpoint());
      for (long rev = 2; rev <= head; rev++) {
        assertEquals(content(source, rev, null), content(after, rev, null), "at revision " + rev);
      }
    }
  }

  @Test
  void aSelectionKeepsOnlyItsKeysAndBumpedRevisionsStartAfterTheGap() {
    Path out = tmp.resolve("shop.db");
    CliRun r = rewrite("rewrite", snapshot.toString(), "-f", out.toString(), "-n", "shop",
        "--bump-revision", "1000", "--mark-compacted");
    assertTrue(r.err().contains("etcd resumes after revision " + (head + 1000)), r.show());
    assertSound(out, head + 1000);
    Map<String, Kv> expected = new LinkedHashMap<>();
    content(source, 0, null).forEach((k, v) -> {
      if (k.startsWith("/registry/") && k.split("/").length > 3 && k.contains("/shop/")) {
        expected.put(k, v);
      }
    });
    expected.remove("/registry/namespaces/shop"); // cluster-scoped: -n leaves it out, as ls does
    try (EtcdServer restored = restore(out)) {
      Etcdctl after = new Etcdctl(restored.endpoint());
      long[] rev = new long[1];
      assertEquals(expected, content(after, 0, rev));
      assertEquals(head + 1000, rev[0]);
      after.put("/registry/configmaps/shop/new", "x");
      content(after, 0, rev);
      assertEquals(head + 1001, rev[0]);
    }
  }

  @Test
  void aPastRevisionAndARewrittenFileWithARevisionMarkerGiveWhatEtcdHeld() {
    // a full copy with a revision marker 5 past the head (a record without a key) ...
    Path bumped = tmp.resolve("bumped.db");
    rewrite("rewrite", snapshot.toString(), "-f", bumped.toString(), "--all-keys", "--keep-history", "--bump-revision", "5");
    // ... read again: the latest state passes the marker by and resumes after it
    Path latest = tmp.resolve("latest-of-bumped.db");
    CliRun r = rewrite("rewrite", bumped.toString(), "-f", latest.toString(), "--all-keys");
    assertTrue(r.err().contains("etcd resumes after revision " + (head + 5)), r.show());
    // ... and as of a revision before the two deletions: the deleted secrets are there again
    Path past = tmp.resolve("past.db");
    rewrite("rewrite", bumped.toString(), "-f", past.toString(), "--all-keys", "--revision", String.valueOf(head - 2));
    Map<String, Kv> then = content(source, head - 2, null);
    assertTrue(then.containsKey("/registry/secrets/kube-system/token-1"), then.keySet().toString());
    try (EtcdServer a = restore(latest); EtcdServer b = restore(past)) {
      long[] rev = new long[1];
      assertEquals(content(source, 0, null), content(new Etcdctl(a.endpoint()), 0, rev));
      assertEquals(head + 5, rev[0]);
      assertEquals(then, content(new Etcdctl(b.endpoint()), 0, null));
    }
  }

  @Test
  void aMovedNamespaceIsRewrittenAndEverythingElseKeepsItsStoredBytes() {
    Path out = tmp.resolve("moved.db");
    CliRun r = rewrite("rewrite", snapshot.toString(), "-f", out.toString(), "--all-keys", "--map-namespace", "default=fresh");
    assertTrue(r.err().contains("map-namespace"), r.show());
    Map<String, Kv> before = content(source, 0, null);
    try (EtcdServer restored = restore(out)) {
      Map<String, Kv> after = content(new Etcdctl(restored.endpoint()), 0, null);
      assertTrue(after.containsKey("/registry/namespaces/fresh") && !after.containsKey("/registry/namespaces/default"));
      int moved = 0;
      int kept = 0;
      for (Map.Entry<String, Kv> e : before.entrySet()) {
        String key = e.getKey();
        if (key.contains("/default/")) {
          Kv now = after.get(key.replace("/default/", "/fresh/"));
          assertNotNull(now, key + " moved");
          assertFalse(after.containsKey(key), key + " left behind");
          assertEquals(e.getValue().mod(), now.mod(), key + ": its revision");
          assertTrue(new String(now.value(), StandardCharsets.ISO_8859_1).contains("fresh"), key);
          moved++;
        } else if (!new String(e.getValue().value(), StandardCharsets.ISO_8859_1).contains("default")) {
          assertEquals(e.getValue(), after.get(key), key + ": nothing to rewrite, stored as it was");
          kept++;
        }
      }
      assertTrue(moved > 2 && kept > 5, "moved " + moved + ", kept " + kept);
    }
    assertSound(out, content(source, 0, null).values().stream().mapToLong(Kv::mod).max().orElseThrow());
  }

  @Test
  void aLiveSourceIsSortedIntoRevisionOrder() {
    Path out = tmp.resolve("live.db");
    CliRun r = rewrite("rewrite", "etcd://" + etcd.server().hostPort(), "-f", out.toString());
    assertTrue(r.err().contains("warning: keys refer to 1 lease"), r.show());
    Map<String, Kv> expected = new LinkedHashMap<>();
    content(source, 0, null).forEach((k, v) -> {
      if (k.startsWith("/registry/")) {
        expected.put(k, v);
      }
    });
    try (EtcdServer restored = restore(out)) {
      long[] rev = new long[1];
      assertEquals(expected, content(new Etcdctl(restored.endpoint()), 0, rev));
      assertEquals(head, rev[0]);
    }
  }

  @Test
  void anEmptySelectionIsAValidSnapshotThatResumesAtTheHead() throws Exception {
    Path out = tmp.resolve("empty.db");
    CliRun r = rewrite("rewrite", snapshot.toString(), "-f", out.toString(), "-n", "no-such-namespace");
    assertTrue(r.err().contains("wrote 0 keys"), r.show());
    assertSound(out, 0);
    try (EtcdServer restored = restore(out)) {
      long[] rev = new long[1];
      assertEquals(Map.of(), content(new Etcdctl(restored.endpoint()), 0, rev));
      assertEquals(head, rev[0]);
    }
    assertEquals(List.of(out.getFileName().toString()), Files.list(tmp).filter(p -> !Files.isDirectory(p))
        .map(p -> p.getFileName().toString()).toList(), "no staging file left behind");
  }

  @Test
  void backupOfALiveEtcdWithASelectionWritesTheSnapshotItself() {
    Path out = tmp.resolve("backup.db");
    CliRun r = CliRun.of("backup", "etcd://" + etcd.server().hostPort(), "-f", out.toString(), "--kind", "deploy");
    assertEquals(0, r.code(), r.show());
    try (EtcdServer restored = restore(out)) {
      Map<String, Kv> got = content(new Etcdctl(restored.endpoint()), 0, null);
      assertEquals(12, got.size());
      assertTrue(got.keySet().stream().allMatch(k -> k.startsWith("/registry/deployments/")), got.keySet().toString());
    }
  }

  @Test
  void badUsageIsOneLine() {
    CliRun r = CliRun.of("rewrite", snapshot.toString(), "-f", tmp.resolve("x.db").toString(), "--mark-compacted");
    assertEquals(2, r.code(), r.show());
    assertEquals("regshift: --mark-compacted needs --bump-revision (as etcdutl snapshot restore)\n", r.err());
    r = CliRun.of("rewrite", "etcd://" + etcd.server().hostPort(), "-f", tmp.resolve("x.db").toString(), "--keep-history");
    assertEquals(2, r.code(), r.show());
    assertTrue(r.err().contains("--keep-history needs an etcd database file as SOURCE"), r.show());
    assertFalse(Files.exists(tmp.resolve("x.db")));
  }

  /**
   * The rewrite issue's checks on a snapshot etcd restored: the demo cluster written with new uids,
   * a moved namespace and a new service range, restored by etcdctl, read back from the etcd.
   */
  @Test
  void rewritesOfTheDemoClusterHoldAfterEtcdRestoresTheSnapshot() {
    Path demo = Path.of("test-data", "demo-cluster.db");
    Path out = tmp.resolve("moved.db");
    rewrite("rewrite", demo.toString(), "-f", out.toString(), "--new-uids", "--map-namespace", "shop=store",
        "--service-cidr", "10.100.0.0/16");
    Map<String, Object> oldUids = new LinkedHashMap<>();
    CliRun before = CliRun.of("export", demo.toString(), "-o", "json");
    assertEquals(0, before.code(), before.show());
    for (String line : before.out().split("\n")) {
      Map<?, ?> md = (Map<?, ?>) ((Map<?, ?>) Json.parse(line)).get("metadata");
      if (md.get("uid") instanceof String uid && !uid.isEmpty()) {
        oldUids.put(uid, md.get("name"));
      }
    }
    try (EtcdServer restored = restore(out)) {
      Map<String, Kv> got = content(new Etcdctl(restored.endpoint()), 0, null);
      ValueCodec codec = ValueCodec.builtin();
      Map<String, Map<String, Object>> objects = new LinkedHashMap<>();
      got.forEach((k, kv) -> {
        if (k.startsWith("/registry/")) {
          StoredValue v = codec.decode(kv.value());
          assertTrue(v.ok(), k + ": " + v.error());
          objects.put(k, v.object());
        }
      });
      assertTrue(objects.size() > 100, objects.size() + " objects");
      Set<String> uids = new HashSet<>();
      objects.values().forEach(o -> uids.add((String) ((Map<?, ?>) o.get("metadata")).get("uid")));
      Cidr cidr = Cidr.parse("t", "10.100.0.0/16");
      Set<Long> offsets = new TreeSet<>();
      for (Map.Entry<String, Map<String, Object>> e : objects.entrySet()) {
        String key = e.getKey();
        String text = new String(got.get(key).value(), StandardCharsets.UTF_8);
        assertFalse(key.contains("/shop/") || key.endsWith("/shop"), key + " names the old namespace");
        assertFalse(text.contains("\"namespace\":\"shop\""), key);
        Map<?, ?> md = (Map<?, ?>) e.getValue().get("metadata");
        assertFalse("shop".equals(md.get("namespace")), key);
        assertFalse(oldUids.containsKey(md.get("uid")), key + " keeps its old uid");
        if (md.get("ownerReferences") instanceof List<?> owners) {
          for (Object owner : owners) {
            assertTrue(uids.contains(((Map<?, ?>) owner).get("uid")), key + ": owner " + owner + " is not in the snapshot");
          }
        }
        for (String old : oldUids.keySet()) {
          assertFalse(text.contains(old), key + " still holds the old uid of " + oldUids.get(old));
        }
        if (key.startsWith("/registry/services/specs/")) {
          Map<?, ?> spec = (Map<?, ?>) e.getValue().get("spec");
          String ip = (String) spec.get("clusterIP");
          if (!"None".equals(ip)) {
            assertEquals(List.of(ip), spec.get("clusterIPs"), key);
            assertTrue(cidr.contains(IpAddress.parse(ip)), key + ": " + ip);
            assertTrue(offsets.add(cidr.offsetOf(IpAddress.parse(ip))), key + ": " + ip + " taken twice");
          }
        }
      }
      assertTrue(objects.containsKey("/registry/namespaces/store"));
      assertEquals("10.100.0.1", ((Map<?, ?>) objects.get("/registry/services/specs/default/kubernetes").get("spec")).get("clusterIP"));
      Map<String, Object> range = objects.get("/registry/ranges/serviceips");
      assertEquals("10.100.0.0/16", range.get("range"));
      Set<Long> bits = new TreeSet<>();
      RangeBitmap.fromBase64((String) range.get("data")).offsets().forEach(o -> bits.add((long) o));
      assertEquals(offsets, bits, "the bitmap's set bits are exactly the services' offsets");
    }
  }

}
