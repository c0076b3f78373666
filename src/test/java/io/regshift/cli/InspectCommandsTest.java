package io.regshift.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.regshift.kube.Json;
import io.regshift.kube.ManifestReader;
import io.regshift.kube.ValueCodec;
import io.regshift.kube.Yaml;
import io.regshift.testing.EtcdServer;
import io.regshift.testing.Etcdctl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ls, get, export, history, stats and verify as a user runs them on a snapshot that a real etcd
 * made of real Kubernetes stored values (our encoder's output, as kube-apiserver writes it).
 */
class InspectCommandsTest {
  @TempDir static Path tmp;
  static Path snapshot;
  static long deployCreated;
  static long deployScaled;
  static long head;

  static final String NS = """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: shop
        uid: 0b7c2f0e-5d43-4f5e-9b6a-111111111111
        creationTimestamp: "2026-01-02T03:04:05Z"
      spec:
        finalizers:
        - kubernetes
      status:
        phase: Active
      """;

  static String deployment(int replicas) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: shop
          uid: 0b7c2f0e-5d43-4f5e-9b6a-222222222222
          generation: %d
          creationTimestamp: "2026-01-02T03:04:06Z"
          labels:
            app: web
        spec:
          replicas: %d
          selector:
            matchLabels:
              app: web
          template:
            metadata:
              labels:
                app: web
            spec:
              containers:
              - name: web
                image: nginx:1.27
        """.formatted(replicas - 1, replicas);
  }

  static final String CM = """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: settings
        namespace: shop
        uid: 0b7c2f0e-5d43-4f5e-9b6a-333333333333
        creationTimestamp: "2026-01-02T03:04:07Z"
      data:
        color: blue
      """;

  static final String CR = "{\"apiVersion\":\"stable.example.com/v1\",\"kind\":\"CronTab\",\"metadata\":{\"creationTimestamp\":\"2026-01-02T03:04:08Z\",\"generation\":1,\"name\":\"nightly\",\"namespace\":\"shop\",\"uid\":\"0b7c2f0e-5d43-4f5e-9b6a-444444444444\"},\"spec\":{\"cronSpec\":\"0 3 * * *\"}}\n";

  @BeforeAll
  static void makeSnapshot() throws Exception {
    try (EtcdServer server = EtcdServer.start(EtcdServer.Options.defaults());
         Client client = Client.builder().endpoints(server.endpoint()).build()) {
      KV kv = client.getKVClient();
      put(kv, "/registry/namespaces/shop", encode(NS));
      deployCreated = put(kv, "/registry/deployments/shop/web", encode(deployment(2)));
      put(kv, "/registry/configmaps/shop/settings", encode(CM));
      put(kv, "/registry/configmaps/shop/old", encode(CM.replace("settings", "old")));
      put(kv, "/registry/stable.example.com/crontabs/shop/nightly", CR.getBytes(StandardCharsets.UTF_8));
      put(kv, "/registry/secrets/shop/broken", new byte[] {'k', '8', 's', 0, 0x0a, 0x7f});
      put(kv, "compact_rev_key", "1".getBytes(StandardCharsets.UTF_8));
      deployScaled = put(kv, "/registry/deployments/shop/web", encode(deployment(3)));
      kv.delete(bs("/registry/configmaps/shop/old")).get(10, TimeUnit.SECONDS);
      head = put(kv, "/registry/namespaces/default", encode(NS.replace("shop", "default").replace("111111111111", "555555555555")));
      snapshot = tmp.resolve("cluster.db");
      new Etcdctl(server.endpoint()).run("snapshot", "save", snapshot.toString());
    }
  }

  @Test
  void lsJsonHasExactlyTheDocumentedFields() {
    CliRun r = run("ls", snapshot.toString(), "-o", "json");
    assertEquals(1, r.code(), "the broken secret makes the exit code 1: " + r.err());
    List<Map<?, ?>> lines = r.out().lines().<Map<?, ?>>map(l -> (Map<?, ?>) Json.parse(l)).toList();
    assertEquals(6, lines.size(), r.out());
    assertTrue(r.out().startsWith("{\"key\":\"/registry/configmaps/shop/settings\",\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","), r.out());
    assertEquals(List.of("key", "apiVersion", "kind", "group", "resource", "namespace", "name", "createRevision",
        "modRevision", "version", "lease", "size", "encoding", "error"), new ArrayList<>(lines.get(0).keySet()));
    Map<?, ?> deploy = lines.stream().filter(l -> "web".equals(l.get("name"))).findFirst().orElseThrow();
    assertEquals("apps/v1", deploy.get("apiVersion"));
    assertEquals("Deployment", deploy.get("kind"));
    assertEquals("apps", deploy.get("group"));
    assertEquals("deployments", deploy.get("resource"));
    assertEquals("shop", deploy.get("namespace"));
    assertEquals(deployCreated, deploy.get("createRevision"));
    assertEquals(deployScaled, deploy.get("modRevision"));
    assertEquals(2L, deploy.get("version"));
    assertEquals("protobuf", deploy.get("encoding"));
    assertEquals(null, deploy.get("error"));
    Map<?, ?> cr = lines.stream().filter(l -> "nightly".equals(l.get("name"))).findFirst().orElseThrow();
    assertEquals("json", cr.get("encoding"));
    assertEquals("stable.example.com", cr.get("group"));
    Map<?, ?> broken = lines.stream().filter(l -> "broken".equals(l.get("name"))).findFirst().orElseThrow();
    assertTrue(broken.get("error") instanceof String, "a value that does not decode is listed with its error");
    assertTrue(r.err().contains("1 of 6 values could not be decoded"), r.err());
  }

  @Test
  void lsFiltersByNamespaceKindAndRevisionAndShowsOutsideKeysOnRequest() {
    CliRun byKind = run("ls", snapshot.toString(), "--kind", "cm", "-o", "name");
    assertEquals("configmap/settings\n", byKind.out());
    CliRun before = run("ls", snapshot.toString(), "--kind", "configmaps", "--revision", Long.toString(deployCreated + 2), "-o", "name");
    assertEquals("configmap/old\nconfigmap/settings\n", before.out(), "the deleted configmap still exists at that revision");
    CliRun ns = run("ls", snapshot.toString(), "-n", "default", "-o", "name");
    assertEquals("", ns.out(), "default holds no namespaced object; the namespace object itself is cluster-scoped");
    CliRun all = run("ls", snapshot.toString(), "--all-keys", "-o", "name");
    assertTrue(all.out().contains("compact_rev_key\n"), all.out());
    assertFalse(run("ls", snapshot.toString(), "-o", "name").out().contains("compact_rev_key"));
    CliRun crs = run("ls", snapshot.toString(), "--kind", "crontabs.stable.example.com", "-o", "name");
    assertEquals("crontab.stable.example.com/nightly\n", crs.out());
  }

  @Test
  void lsDeletedListsWhatIsGoneButStillInHistory() {
    CliRun r = run("ls", snapshot.toString(), "--deleted");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("NAMESPACE"), r.out());
    assertTrue(r.out().contains("configmaps") && r.out().contains("old"), r.out());
    assertEquals(2, r.out().lines().count(), r.out());
  }

  @Test
  void getShowsTheObjectWithItsModRevisionAsResourceVersion() {
    CliRun r = run("get", snapshot.toString(), "deploy/web", "-n", "shop", "-o", "json");
    assertEquals(0, r.code(), r.err());
    Map<?, ?> obj = (Map<?, ?>) Json.parse(r.out());
    Map<?, ?> meta = (Map<?, ?>) obj.get("metadata");
    assertEquals(Long.toString(deployScaled), meta.get("resourceVersion"));
    assertEquals(3L, ((Map<?, ?>) obj.get("spec")).get("replicas"));
    CliRun old = run("get", snapshot.toString(), "/registry/deployments/shop/web", "--revision", Long.toString(deployCreated));
    assertTrue(old.out().contains("replicas: 2\n"), old.out());
    assertTrue(old.out().contains("resourceVersion: \"" + deployCreated + "\"\n"), old.out());
  }

  @Test
  void getOfAMissingObjectSaysSoInOneLine() {
    CliRun r = run("get", snapshot.toString(), "cm/nope", "-n", "shop");
    assertEquals(1, r.code());
    assertEquals("regshift: " + snapshot + ": configmaps \"nope\" in namespace \"shop\" not found\n", r.err());
  }

  @Test
  void exportYamlStreamsEveryDecodableObjectAndReportsTheOthers() {
    CliRun r = run("export", snapshot.toString());
    assertEquals(1, r.code());
    List<Map<String, Object>> docs = ManifestReader.read(r.out());
    assertEquals(5, docs.size());
    assertTrue(r.err().contains("/registry/secrets/shop/broken"), r.err());
    assertTrue(r.err().contains("exported 5 objects, 1 could not be decoded"), r.err());
    CliRun strict = run("export", snapshot.toString(), "--strict", "-n", "shop", "--kind", "secrets");
    assertEquals(1, strict.code());
    assertTrue(strict.err().contains("--strict"), strict.err());
  }

  /** With a rule that reads every object first, a broken value is still one object that cannot be decoded. */
  @Test
  void exportWithNewUidsReportsTheBrokenObjectAndExportsTheRest() {
    CliRun r = run("export", snapshot.toString(), "-o", "json", "--new-uids");
    assertEquals(1, r.code(), r.err());
    assertEquals(5, r.out().lines().count(), r.out());
    assertTrue(r.err().contains("/registry/secrets/shop/broken"), r.err());
    assertTrue(r.err().contains("exported 5 objects, 1 could not be decoded"), r.err());
    CliRun strict = run("export", snapshot.toString(), "--strict", "--new-uids");
    assertEquals(1, strict.code());
    assertTrue(strict.err().contains("stopped at /registry/secrets/shop/broken (--strict)"), strict.err());
  }

  @Test
  void exportDirWritesTheTreeAndNeverIntoANonEmptyDirectory() throws Exception {
    Path dir = tmp.resolve("out-" + System.nanoTime());
    CliRun r = run("export", snapshot.toString(), "--dir", dir.toString(), "--kind", "deploy,ns,crontabs.stable.example.com");
    assertEquals(0, r.code(), r.err());
    assertTrue(Files.isRegularFile(dir.resolve("shop/deployments.apps/web.yaml")));
    assertTrue(Files.isRegularFile(dir.resolve("_cluster/namespaces/shop.yaml")));
    assertTrue(Files.isRegularFile(dir.resolve("shop/crontabs.stable.example.com/nightly.yaml")));
    String yaml = Files.readString(dir.resolve("shop/deployments.apps/web.yaml"));
    assertEquals(Yaml.write(ManifestReader.read(yaml).get(0)), yaml);
    try (var s = Files.list(dir.getParent())) {
      assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(".regshift-")), "no staging directory left");
    }
    CliRun again = run("export", snapshot.toString(), "--dir", dir.toString());
    assertEquals(2, again.code());
    assertTrue(again.err().contains("exists and is not empty"), again.err());
  }

  @Test
  void historyListsRevisionsAndDiffsTheChangedFields() {
    CliRun t = run("history", snapshot.toString(), "deploy/web", "-n", "shop");
    assertEquals(0, t.code(), t.err());
    assertEquals(3, t.out().lines().count(), t.out());
    CliRun d = run("history", snapshot.toString(), "deploy/web", "-n", "shop", "--diff");
    assertTrue(d.out().contains("revision " + deployScaled + ": update (version 2)\n"), d.out());
    assertTrue(d.out().contains("  ~ spec.replicas: 2 -> 3\n"), d.out());
    assertTrue(d.out().contains("  ~ metadata.generation: 1 -> 2\n"), d.out());
    CliRun gone = run("history", snapshot.toString(), "cm/old", "-n", "shop", "-o", "json");
    List<Map<?, ?>> lines = gone.out().lines().<Map<?, ?>>map(l -> (Map<?, ?>) Json.parse(l)).toList();
    assertEquals(List.of("create", "delete"), lines.stream().map(l -> l.get("event")).toList());
  }

  @Test
  void statsReportsStatusAndPerResourceCounts() {
    CliRun r = run("stats", snapshot.toString(), "-o", "json");
    assertEquals(0, r.code(), r.err());
    Map<?, ?> s = (Map<?, ?>) Json.parse(r.out());
    assertEquals(head, s.get("revision"));
    for (String f : List.of("hash", "compactRevision", "totalKeys", "totalSize", "resources")) {
      assertTrue(s.containsKey(f), f);
    }
    Map<?, ?> cms = ((List<?>) s.get("resources")).stream().map(o -> (Map<?, ?>) o)
        .filter(m -> "configmaps".equals(m.get("resource"))).findFirst().orElseThrow();
    assertEquals(1L, cms.get("objects"));
    assertEquals(2L, cms.get("revisions"));
    assertEquals(1L, cms.get("tombstones"));
    CliRun table = run("stats", snapshot.toString());
    assertTrue(table.out().contains("deployments.apps"), table.out());
  }

  @Test
  void verifyPassesASoundSnapshotAndFailsATruncatedOne() throws Exception {
    CliRun ok = run("verify", snapshot.toString());
    assertEquals(1, ok.code(), "the broken secret value is a problem: " + ok.out());
    assertTrue(ok.out().contains("/registry/secrets/shop/broken"), ok.out());
    byte[] bytes = Files.readAllBytes(snapshot);
    Path cut = Files.write(tmp.resolve("cut.db"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
    CliRun bad = run("verify", cut.toString());
    assertEquals(1, bad.code());
    assertFalse(bad.out().isEmpty());
    bad.out().lines().forEach(l -> assertTrue(l.startsWith(cut.toString() + ": "), l));
    CliRun ls = run("ls", cut.toString());
    assertEquals(2, ls.code());
    assertTrue(ls.err().startsWith("regshift: " + cut), ls.err());
    assertEquals(1, ls.err().lines().count(), ls.err());
  }

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  private static byte[] encode(String yaml) {
    return ValueCodec.builtin().encode(ManifestReader.read(yaml).get(0));
  }

  private static long put(KV kv, String key, byte[] value) throws Exception {
    return kv.put(bs(key), ByteSequence.from(value)).get(10, TimeUnit.SECONDS).getHeader().getRevision();
  }

  private static ByteSequence bs(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
