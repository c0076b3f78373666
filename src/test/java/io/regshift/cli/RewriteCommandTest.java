package io.regshift.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regshift.kube.Json;
import io.regshift.kube.StoredValue;
import io.regshift.kube.ValueCodec;
import io.regshift.testing.EtcdExtension;
import io.regshift.testing.Etcdctl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rewrite flags as a user runs them on the demo snapshot: export, backup to an archive, and a
 * restore into a real etcd read back with etcdctl; the refusals come before anything is written.
 */
class RewriteCommandTest {
  private static final String DEMO = "test-data/demo-cluster.db";
  @RegisterExtension EtcdExtension target = new EtcdExtension();
  @TempDir Path tmp;

  @Test
  void restoreWithRewritesIntoARealEtcdAgreesWithEtcdctl() throws Exception {
    Path report = tmp.resolve("report.jsonl");
    CliRun r = CliRun.of("restore", DEMO, "--endpoints", target.endpoint(), "--journal", tmp.resolve("j").toString(),
        "--new-uids", "--map-namespace", "shop=store", "--map-registry", "registry.example.com=mirror.example.net",
        "--report", report.toString());
    assertEquals(0, r.code(), r.show());
    // every object but the two allocator bitmaps (no uid) is rewritten; events are left out, as always
    assertTrue(r.err().matches("regshift: restored .* conflicts 0, verified 109, rewritten 107 objects \\(changes: "
        + "map-namespace \\d+, map-registry 4, new-uids \\d+\\); report: .*\n"), r.show());
    Map<String, byte[]> stored = etcdctlGet(target.endpoint());
    assertEquals(109, stored.size());
    assertTrue(stored.keySet().stream().noneMatch(k -> k.contains("/shop/") || k.endsWith("/shop")), stored.keySet().toString());
    assertTrue(stored.containsKey("/registry/namespaces/store"));
    assertTrue(stored.containsKey("/registry/deployments/store/cart"));

    // regshift reading the target agrees with etcdctl, object for object
    CliRun export = CliRun.of("export", "etcd://" + target.server().hostPort(), "-o", "json");
    assertEquals(0, export.code(), export.show());
    Map<String, Object> byName = new LinkedHashMap<>();
    for (String line : export.out().split("\n")) {
      Map<?, ?> o = (Map<?, ?>) Json.parse(line);
      Map<?, ?> md = (Map<?, ?>) o.get("metadata");
      if (md.get("name") != null) {
        byName.put(o.get("kind") + "/" + md.get("namespace") + "/" + md.get("name"), o);
      }
    }
    assertEquals(109, export.out().split("\n").length);
    assertEquals(107, byName.size()); // the two allocator bitmaps have no name
    Map<String, StoredValue> decoded = new HashMap<>();
    Set<String> uids = new HashSet<>();
    for (Map.Entry<String, byte[]> e : stored.entrySet()) {
      StoredValue v = ValueCodec.builtin().decode(e.getValue());
      assertTrue(v.ok(), e.getKey() + ": " + v.error());
      decoded.put(e.getKey(), v);
      Map<?, ?> md = (Map<?, ?>) v.object().get("metadata");
      assertFalse(md.containsKey("resourceVersion"), e.getKey());
      if (md.get("uid") instanceof String uid && !uid.isEmpty()) {
        uids.add(uid);
      }
      if (md.get("name") != null) {
        Map<?, ?> exported = (Map<?, ?>) byName.get(v.kind() + "/" + md.get("namespace") + "/" + md.get("name"));
        assertTrue(exported != null, e.getKey());
        assertEquals(md.get("uid"), ((Map<?, ?>) exported.get("metadata")).get("uid"), e.getKey());
      }
    }
    // every owner resolves in the target; no image left on the old registry
    for (Map.Entry<String, StoredValue> e : decoded.entrySet()) {
      Map<?, ?> md = (Map<?, ?>) e.getValue().object().get("metadata");
      if (md.get("ownerReferences") instanceof List<?> owners) {
        for (Object o : owners) {
          assertTrue(uids.contains(((Map<?, ?>) o).get("uid")), e.getKey() + ": owner " + o);
        }
      }
      // a custom resource's spec.image is no container's; a pod's status says what ran
      if (!"CronTab".equals(e.getValue().kind())) {
        assertFalse(Json.write(e.getValue().object().get("spec")).contains("\"image\":\"registry.example.com/"), e.getKey());
      }
    }
    CliRun get = CliRun.of("get", "etcd://" + target.server().hostPort(), "deploy/cart", "-n", "store", "-o", "json");
    assertEquals(0, get.code(), get.show());
    assertTrue(get.out().contains("\"image\": \"mirror.example.net/shop/cart:2.4.1\""), get.out());
    // the report lists each change once (not again for the read-back)
    List<String> lines = Files.readAllLines(report);
    assertEquals(1, lines.stream().filter(l -> l.contains("\"path\":\"key\"")
        && l.contains("\"old\":\"/registry/deployments/shop/cart\"")).count());
    assertTrue(lines.stream().allMatch(l -> l.startsWith("{\"key\":\"/registry/")), lines.get(0));
  }

  @Test
  void aDryRunShowsTheChangesAndWritesNothing() {
    CliRun r = CliRun.of("restore", DEMO, "--endpoints", target.endpoint(), "--dry-run", "--kind", "deploy", "-n", "shop",
        "--map-namespace", "shop=store");
    assertEquals(0, r.code(), r.show());
    assertTrue(r.out().contains("rewrite /registry/deployments/shop/cart map-namespace key: /registry/deployments/shop/cart"
        + " -> /registry/deployments/store/cart\n"), r.out());
    assertTrue(r.out().contains("rewrite /registry/deployments/shop/cart map-namespace metadata.namespace: shop -> store\n"), r.out());
    assertTrue(r.err().contains("rewritten 2 objects"), r.err());
    assertEquals(0, etcdctlGet(target.endpoint()).size());
  }

  @Test
  void refusalsComeBeforeAnythingIsWritten() {
    Path report = tmp.resolve("r.jsonl");
    CliRun merge = CliRun.of("restore", DEMO, "--endpoints", target.endpoint(), "--journal", tmp.resolve("j").toString(),
        "--map-namespace", "shop=blog", "--report", report.toString());
    assertEquals(2, merge.code(), merge.show());
    assertEquals("regshift: --map-namespace shop=blog: namespace blog already exists in the selection; mapping shop onto"
        + " it would merge the two\n", merge.err());
    assertEquals(0, etcdctlGet(target.endpoint()).size());
    assertFalse(Files.exists(report));

    CliRun syntax = CliRun.of("restore", DEMO, "--endpoints", target.endpoint(), "--map-namespace", "shop");
    assertEquals(2, syntax.code(), syntax.show());
    assertEquals("regshift: --map-namespace shop: say OLD=NEW\n", syntax.err());

    CliRun encrypted = CliRun.of("restore", "test-data/encrypted/cluster.db", "--endpoints", target.endpoint(),
        "--journal", tmp.resolve("j2").toString(), "--new-uids");
    assertEquals(2, encrypted.code(), encrypted.show());
    assertTrue(encrypted.err().startsWith("regshift: 16 objects cannot be rewritten, nothing written: /registry/"), encrypted.err());
    assertEquals(1, encrypted.err().split("\n").length, encrypted.err());
    assertEquals(0, etcdctlGet(target.endpoint()).size());

    Path archive = tmp.resolve("a.tar.gz");
    CliRun backup = CliRun.of("backup", DEMO, "-f", archive.toString(), "--map-namespace", "blog=shop");
    assertEquals(2, backup.code(), backup.show());
    assertFalse(Files.exists(archive));
    CliRun dangling = CliRun.of("export", DEMO, "--drop-dangling-owners");
    assertEquals(2, dangling.code(), dangling.show());
    assertEquals("regshift: --drop-dangling-owners goes with --new-uids\n", dangling.err());
    assertEquals("", dangling.out());
  }

  @Test
  void anArchiveWithMovedNamespacesIsInKeyOrderAndReadsBack() throws Exception {
    Path archive = tmp.resolve("moved.tar.gz");
    CliRun r = CliRun.of("backup", DEMO, "-f", archive.toString(), "--new-uids", "--map-namespace", "shop=zoo",
        "--map-namespace", "blog=anthology");
    assertEquals(0, r.code(), r.show());
    assertTrue(r.err().startsWith("regshift: backed up 184 keys"), r.err());
    CliRun verify = CliRun.of("verify", archive.toString());
    assertEquals(0, verify.code(), verify.show());
    CliRun ns = CliRun.of("ls", archive.toString(), "--kind", "ns", "-o", "name");
    assertEquals(List.of("namespace/anthology", "namespace/default", "namespace/kube-node-lease", "namespace/kube-public",
        "namespace/kube-system", "namespace/zoo"), List.of(ns.out().split("\n")));
    CliRun zoo = CliRun.of("ls", archive.toString(), "-n", "zoo", "--kind", "deploy", "-o", "name");
    assertEquals("deployment.apps/cart\ndeployment.apps/frontend\n", zoo.out());
    // the archive's values are what a restore would write: no resourceVersion, fresh uids
    CliRun plain = CliRun.of("export", DEMO, "-n", "shop", "--kind", "deploy", "-o", "json");
    CliRun moved = CliRun.of("export", archive.toString(), "-n", "zoo", "--kind", "deploy", "-o", "json");
    List<String> a = uids(plain.out());
    List<String> b = uids(moved.out());
    assertEquals(2, b.size());
    assertTrue(a.stream().noneMatch(b::contains), a + " " + b);
  }

  @Test
  void exportWithoutRulesIsUnchangedAndWithThemReportsWhatChanged() throws Exception {
    CliRun plain = CliRun.of("export", DEMO, "-o", "json");
    CliRun touched = CliRun.of("export", DEMO, "-o", "json", "--map-registry", "quay.io=mirror.example.net");
    assertEquals(0, touched.code(), touched.show());
    assertEquals(plain.out(), touched.out()); // nothing from quay.io: every object as before
    assertTrue(touched.err().endsWith("regshift: exported 184 objects, rewritten 0 objects\n"), touched.err());
    Path report = tmp.resolve("export.jsonl");
    CliRun r = CliRun.of("export", DEMO, "-o", "json", "-n", "blog", "--map-namespace", "blog=journal", "--report", report.toString());
    assertEquals(0, r.code(), r.show());
    assertFalse(r.out().contains("\"namespace\":\"blog\""), r.out());
    try (Stream<String> lines = Files.lines(report)) {
      assertTrue(lines.anyMatch(l -> l.contains("\"rule\":\"map-namespace\",\"path\":\"metadata.namespace\",\"old\":\"blog\",\"new\":\"journal\"")));
    }
  }

  private static List<String> uids(String jsonLines) {
    List<String> out = new ArrayList<>();
    for (String line : jsonLines.split("\n")) {
      out.add((String) ((Map<?, ?>) ((Map<?, ?>) Json.parse(line)).get("metadata")).get("uid"));
    }
    return out;
  }

  private static Map<String, byte[]> etcdctlGet(String endpoint) {
    Map<?, ?> r = (Map<?, ?>) Json.parse(new Etcdctl(endpoint).run("get", "--prefix", "/registry/", "-w", "json"));
    Map<String, byte[]> keys = new LinkedHashMap<>();
    Object kvs = r.get("kvs");
    for (Object o : kvs == null ? List.of() : (List<?>) kvs) {
      Map<?, ?> kv = (Map<?, ?>) o;
      keys.put(new String(Base64.getDecoder().decode((String) kv.get("key")), StandardCharsets.UTF_8),
          Base64.getDecoder().decode((String) kv.get("value")));
    }
    return keys;
  }
}
