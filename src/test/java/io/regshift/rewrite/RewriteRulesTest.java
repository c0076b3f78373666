package io.regshift.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regshift.etcd.EntryReader;
import io.regshift.etcd.EtcdDatabase;
import io.regshift.etcd.KeyRange;
import io.regshift.etcd.MvccEntry;
import io.regshift.etcd.ReadView;
import io.regshift.kube.Json;
import io.regshift.kube.RegistryKey;
import io.regshift.kube.ResourceCatalog;
import io.regshift.kube.StoredValue;
import io.regshift.kube.ValueCodec;
import io.regshift.source.SnapshotSource;
import io.regshift.testdata.GeneratedCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rules on the demo snapshot (test-data/demo-cluster.db, written by a real etcd) and on a
 * generated cluster of a few thousand objects: what --new-uids and --map-namespace promise
 * (every reference resolves, nothing names the old uid or namespace), what stays byte for byte,
 * the report, and the refusals that come before anything is written.
 */
class RewriteRulesTest {
  private static final Pattern UUID_V4 =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  private static final ResourceCatalog CATALOG = ResourceCatalog.builtin();
  private static List<MvccEntry> demo;
  private static List<MvccEntry> generated;

  @TempDir Path tmp;

  static synchronized List<MvccEntry> demo() {
    if (demo == null) {
      demo = read(Path.of("test-data/demo-cluster.db"));
    }
    return demo;
  }

  static synchronized List<MvccEntry> generated() {
    if (generated == null) {
      List<MvccEntry> list = new ArrayList<>();
      long[] rev = {1};
      GeneratedCluster.scaled(11, 3000).forEach((k, v) -> list.add(new MvccEntry(k.getBytes(StandardCharsets.UTF_8), v,
          rev[0], rev[0]++, 1, 0, false, 0)));
      generated = list;
    }
    return generated;
  }

  static List<MvccEntry> read(Path file) {
    List<MvccEntry> list = new ArrayList<>();
    try (SnapshotSource src = new SnapshotSource(EtcdDatabase.open(file));
         EntryReader r = src.read(ReadView.latest(), KeyRange.prefix("/registry/".getBytes(StandardCharsets.UTF_8)), k -> true)) {
      for (MvccEntry e = r.next(); e != null; e = r.next()) {
        list.add(e);
      }
    }
    return list;
  }

  static Stream<String> clusters() {
    return Stream.of("demo", "generated");
  }

  static List<MvccEntry> cluster(String name) {
    return name.equals("demo") ? demo() : generated();
  }

  /** The engine as a sink writing to etcd runs it: survey, plan, then every entry. */
  static List<Rewriter.Result> run(List<MvccEntry> in, RewriteRule... rules) {
    Rewriter rw = new Rewriter(List.of(rules), ValueCodec.builtin(), "/registry", CATALOG, true);
    Iterator<MvccEntry> it = in.iterator();
    rw.survey(() -> it.hasNext() ? it.next() : null);
    return in.stream().map(rw::rewrite).toList();
  }

  static Map<String, StoredValue> outputs(List<Rewriter.Result> results) {
    Map<String, StoredValue> out = new HashMap<>();
    for (Rewriter.Result r : results) {
      if (!r.dropped()) {
        StoredValue v = ValueCodec.builtin().decode(r.output().value());
        assertTrue(v.ok(), r.output().keyString() + ": " + v.error());
        assertNull(out.put(r.output().keyString(), v), "two objects at " + r.output().keyString());
      }
    }
    return out;
  }

  static String uid(StoredValue v) {
    Map<?, ?> md = (Map<?, ?>) v.object().get("metadata");
    return md == null ? null : (String) md.get("uid");
  }

  @ParameterizedTest
  @MethodSource("clusters")
  void afterNewUidsEveryReferenceResolvesAndNoOldUidRemains(String name) {
    List<MvccEntry> in = cluster(name);
    Set<String> oldUids = new HashSet<>();
    for (MvccEntry e : in) {
      String uid = uid(ValueCodec.builtin().decode(e.value()));
      if (uid != null && !uid.isEmpty()) {
        oldUids.add(uid);
      }
    }
    List<Rewriter.Result> results = run(in, new NewUidsRule(false), new ResourceVersionRule());
    Map<String, StoredValue> out = outputs(results);
    assertEquals(in.size(), out.size());
    Map<String, StoredValue> byUid = new HashMap<>();
    out.forEach((k, v) -> {
      String uid = uid(v);
      if (uid != null && !uid.isEmpty()) {
        assertTrue(UUID_V4.matcher(uid).matches(), k + ": " + uid);
        assertFalse(oldUids.contains(uid), k + " kept its uid");
        assertNull(byUid.put(uid, v), "uid " + uid + " twice");
      }
    });
    assertEquals(oldUids.size(), byUid.size());
    // references outside the selection (events of deleted pods) are kept, and reported
    Set<String> kept = new HashSet<>();
    results.forEach(r -> r.changes().stream().filter(c -> c.note() != null && c.oldValue() == c.newValue())
        .forEach(c -> kept.add((String) c.oldValue())));
    assertTrue(kept.stream().noneMatch(oldUids::contains), "a kept reference names a selected object: " + kept);
    int owners = 0;
    int targets = 0;
    int events = 0;
    for (Map.Entry<String, StoredValue> e : out.entrySet()) {
      Map<String, Object> obj = e.getValue().object();
      for (Object o : TreeWalk.list(obj, "metadata", "ownerReferences")) {
        Map<?, ?> ref = (Map<?, ?>) o;
        StoredValue owner = byUid.get((String) ref.get("uid"));
        assertTrue(owner != null, e.getKey() + ": owner " + ref + " is not in the output");
        assertEquals(ref.get("kind"), owner.kind(), e.getKey());
        assertEquals(ref.get("name"), ((Map<?, ?>) owner.object().get("metadata")).get("name"), e.getKey());
        owners++;
      }
      for (Object o : TreeWalk.list(obj, "endpoints")) {
        if (((Map<?, ?>) o).get("targetRef") instanceof Map<?, ?> ref && ref.get("uid") != null) {
          StoredValue pod = byUid.get((String) ref.get("uid"));
          assertTrue(pod != null && "Pod".equals(pod.kind()), e.getKey() + ": targetRef " + ref);
          assertTrue(ref.get("resourceVersion") == null || "".equals(ref.get("resourceVersion")), e.getKey() + ": " + ref);
          targets++;
        }
      }
      if (obj.get("involvedObject") instanceof Map<?, ?> ref && ref.get("uid") instanceof String uid && !uid.isEmpty()) {
        assertTrue(byUid.containsKey(uid) || kept.contains(uid), e.getKey() + ": involvedObject " + ref);
        // a revision of the source's etcd means nothing in the target: cleared
        assertTrue(ref.get("resourceVersion") == null || "".equals(ref.get("resourceVersion")), e.getKey() + ": " + ref);
        events++;
      }
    }
    assertTrue(owners > 10 && targets > 5, owners + " owners, " + targets + " targetRefs");
    assertTrue(name.equals("generated") || events > 10, events + " events");
    // anywhere in the stored bytes (managedFields keys, labels, annotations): no old uid
    Pattern anyUid = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    int seen = 0;
    for (Rewriter.Result r : results) {
      java.util.regex.Matcher m = anyUid.matcher(new String(r.output().value(), StandardCharsets.ISO_8859_1));
      while (m.find()) {
        seen++;
        assertFalse(oldUids.contains(m.group()), r.output().keyString() + " still holds " + m.group());
      }
    }
    assertTrue(seen > in.size(), seen + " uids in the output");
  }

  @ParameterizedTest
  @MethodSource("clusters")
  void afterMapNamespaceNoKeyObjectOrReferenceNamesTheOldNamespace(String name) {
    List<MvccEntry> in = cluster(name);
    String old = name.equals("demo") ? "shop" : "kube-system";
    List<Rewriter.Result> results = run(in, new MapNamespaceRule(Map.of(old, "moved")), new ResourceVersionRule());
    Map<String, StoredValue> out = outputs(results);
    assertEquals(in.size(), out.size());
    long moved = 0;
    for (Map.Entry<String, StoredValue> e : out.entrySet()) {
      RegistryKey k = RegistryKey.parse(e.getKey());
      assertNotEquals(old, k.namespace(), e.getKey());
      assertFalse(e.getKey().equals("/registry/namespaces/" + old));
      moved += "moved".equals(k.namespace()) ? 1 : 0;
      List<String> names = new ArrayList<>();
      namespaceReferences(e.getValue().object(), old, "", names);
      assertEquals(List.of(), names, e.getKey());
    }
    assertTrue(moved > 5, moved + " objects moved");
    StoredValue ns = out.get("/registry/namespaces/moved");
    Map<?, ?> md = (Map<?, ?>) ns.object().get("metadata");
    assertEquals("moved", md.get("name"));
    assertEquals("moved", ((Map<?, ?>) md.get("labels")).get("kubernetes.io/metadata.name"));
    // objects elsewhere that named it: the bindings of its service accounts, for one
    assertTrue(results.stream().anyMatch(r -> r.changed() && !r.source().keyString().contains("/" + old + "/")
        && !r.source().keyString().endsWith("/" + old)), "no reference outside the namespace was rewritten");
  }

  /** Fields that name a namespace (namespace, namespaces, managedFields keys) and hold {@code old}. */
  static void namespaceReferences(Object node, String old, String path, List<String> found) {
    if (node instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        String k = (String) e.getKey();
        if (k.equals("data") && path.isEmpty()) {
          continue; // ConfigMap and Secret data are the user's
        }
        if ((k.equals("namespace") && old.equals(e.getValue()))
            || (k.equals("namespaces") && e.getValue() instanceof List<?> l && l.contains(old))
            || k.startsWith("k:") && k.contains("\"namespace\":\"" + old + "\"")) {
          found.add(path + "." + k);
        }
        namespaceReferences(e.getValue(), old, path + "." + k, found);
      }
    } else if (node instanceof List<?> l) {
      for (int i = 0; i < l.size(); i++) {
        namespaceReferences(l.get(i), old, path + "[" + i + "]", found);
      }
    }
  }

  @Test
  void mappingOntoAnExistingNamespaceIsRefusedBeforeAnyRewrite() {
    RewriteException e = assertThrows(RewriteException.class,
        () -> run(demo(), new MapNamespaceRule(MapNamespaceRule.parse(List.of("shop=blog")))));
    assertEquals("--map-namespace shop=blog: namespace blog already exists in the selection; mapping shop onto it would"
        + " merge the two", e.getMessage());
    // a swap is no merge
    Map<String, StoredValue> out = outputs(run(demo(), new MapNamespaceRule(MapNamespaceRule.parse(List.of("shop=blog", "blog=shop")))));
    assertEquals(demo().size(), out.size());
  }

  @Test
  void badMappingsAreRefusedWithTheValueNamed() {
    assertEquals("--map-namespace shop: say OLD=NEW",
        assertThrows(IllegalArgumentException.class, () -> MapNamespaceRule.parse(List.of("shop"))).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> MapNamespaceRule.parse(List.of("shop=Shop!")))
        .getMessage().startsWith("--map-namespace shop=Shop!: \"Shop!\" is not a namespace name"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> MapNamespaceRule.parse(List.of("a=c", "b=c")))
        .getMessage().contains("two namespaces are mapped onto c"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> MapRegistryRule.parse(List.of("docker.io")))
        .getMessage().startsWith("--map-registry docker.io: say OLD=NEW"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> MapRegistryRule.parse(List.of("a b=c")))
        .getMessage().contains("is not a registry host or repository prefix"));
  }

  @Test
  void objectsNoRuleChangesKeepTheirBytesAndAreNotDecoded() {
    List<MvccEntry> in = demo();
    List<Rewriter.Result> results = run(in, new MapRegistryRule(Map.of("registry.example.com", "mirror.example.com")));
    int changed = 0;
    for (Rewriter.Result r : results) {
      if (r.changes().isEmpty()) {
        assertSame(r.source(), r.output(), r.source().keyString());
      } else {
        changed++;
        assertTrue(r.output().keyString().matches("/registry/(pods|deployments|replicasets|statefulsets|daemonsets|jobs|cronjobs)/.*"),
            r.output().keyString());
      }
    }
    assertTrue(changed > 3, changed + " changed");
    // a rule that changes nothing but says it did: every value is encoded again, to the same bytes
    RewriteRule touch = new RewriteRule() {
      @Override
      public String name() {
        return "touch";
      }

      @Override
      public void apply(RewriteObject o) {
        o.changed("touch", "", null, null);
      }
    };
    int reencoded = 0;
    for (Rewriter.Result r : run(in, touch)) {
      assertTrue(r.changed());
      assertEquals(r.source().keyString(), r.output().keyString());
      assertEquals(new String(r.source().value(), StandardCharsets.ISO_8859_1), new String(r.output().value(), StandardCharsets.ISO_8859_1),
          r.source().keyString() + " is not encoded back to its bytes");
      reencoded++;
    }
    assertEquals(in.size(), reencoded);
  }

  @Test
  void mapRegistryRewritesEveryContainerOfPodsAndTemplates() {
    MapRegistryRule rule = new MapRegistryRule(MapRegistryRule.parse(List.of("docker.io=mirror.example.com/hub",
        "registry.example.com/shop=shop.example.net")));
    assertEquals("mirror.example.com/hub/library/nginx:1.27.3", rule.map("nginx:1.27.3"));
    assertEquals("mirror.example.com/hub/bitnami/redis:7", rule.map("bitnami/redis:7"));
    assertEquals("shop.example.net/cart@sha256:00", rule.map("registry.example.com/shop/cart@sha256:00"));
    assertNull(rule.map("registry.example.com/shopping/cart:1"));
    assertNull(rule.map("registry.k8s.io/pause:3.9"));
    Map<String, StoredValue> out = outputs(run(demo(), rule));
    int images = 0;
    for (StoredValue v : out.values()) {
      String json = Json.write(v.object());
      if (v.kind() != null && v.kind().matches("Pod|Deployment|ReplicaSet|DaemonSet|StatefulSet|Job|CronJob")) {
        for (Object container : containers(v.object())) {
          String image = (String) ((Map<?, ?>) container).get("image");
          assertFalse(image.startsWith("registry.example.com/shop/") || !image.contains("/"), v.kind() + ": " + image);
          images++;
        }
      }
      assertFalse(json.contains("\"image\":\"nginx"), json);
    }
    assertTrue(images > 10, images + " images");
  }

  @SuppressWarnings("unchecked")
  static List<Object> containers(Map<String, Object> obj) {
    Map<String, Object> spec = "Pod".equals(obj.get("kind")) ? TreeWalk.map(obj, "spec")
        : "CronJob".equals(obj.get("kind")) ? TreeWalk.map(obj, "spec", "jobTemplate", "spec", "template", "spec")
        : TreeWalk.map(obj, "spec", "template", "spec");
    List<Object> all = new ArrayList<>(TreeWalk.list(spec, "containers"));
    all.addAll(TreeWalk.list(spec, "initContainers"));
    return all;
  }

  @Test
  void danglingOwnersAreKeptAndReportedOrDropped() {
    List<MvccEntry> withoutReplicaSets = demo().stream().filter(e -> !e.keyString().startsWith("/registry/replicasets/")).toList();
    List<Rewriter.Result> kept = run(withoutReplicaSets, new NewUidsRule(false));
    List<Change> notes = kept.stream().flatMap(r -> r.changes().stream())
        .filter(c -> c.path().startsWith("metadata.ownerReferences[")).filter(c -> c.note() != null).toList();
    assertFalse(notes.isEmpty());
    assertTrue(notes.stream().allMatch(c -> c.key().startsWith("/registry/pods/") && c.note().startsWith("ReplicaSet ")
        && c.note().endsWith("is not in the selection; kept (--drop-dangling-owners removes it)")), notes.toString());
    List<Rewriter.Result> dropped = run(withoutReplicaSets, new NewUidsRule(true));
    Map<String, StoredValue> out = outputs(dropped);
    for (Map.Entry<String, StoredValue> e : out.entrySet()) {
      for (Object o : TreeWalk.list(e.getValue().object(), "metadata", "ownerReferences")) {
        assertNotEquals("ReplicaSet", ((Map<?, ?>) o).get("kind"), e.getKey());
      }
    }
    assertEquals(notes.size(), dropped.stream().flatMap(r -> r.changes().stream())
        .filter(c -> c.newValue() == null && c.path().startsWith("metadata.ownerReferences[")).count());
  }

  @Test
  void anEncryptedValueARuleWouldChangeThatCannotBeDecryptedIsRefusedInTheFirstPass() {
    List<MvccEntry> in = read(Path.of("test-data/encrypted/cluster.db"));
    RewriteException e = assertThrows(RewriteException.class, () -> run(in, new NewUidsRule(false)));
    assertTrue(e.getMessage().matches("\\d+ objects cannot be rewritten, nothing written: /registry/(configmaps|secrets)/.*"
        + "--new-uids would rewrite it, but encrypted with (aesgcm|secretbox) key \"[a-z0-9]+\"; decrypting it needs the"
        + " encryption config \\(--encryption-config\\).*"), e.getMessage());
    // a rule that leaves Secrets and ConfigMaps alone copies their ciphertext as it is
    for (Rewriter.Result r : run(in, new MapRegistryRule(Map.of("registry.example.com", "mirror.example.com")))) {
      if (r.source().keyString().startsWith("/registry/secrets/")) {
        assertSame(r.source(), r.output());
      }
    }
  }

  /**
   * With the source's config the rules work on the plaintext (decrypted with the key each value is
   * stored under); a changed value comes out as plaintext for the sink to encrypt again, an
   * unchanged one keeps its ciphertext.
   */
  @Test
  void encryptedValuesAreDecryptedRewrittenAndHandedOnAsPlaintext() throws Exception {
    List<MvccEntry> in = read(Path.of("test-data/encrypted/cluster.db"));
    io.regshift.crypto.EncryptionConfig config = io.regshift.crypto.EncryptionConfig.read(
        Path.of("test-data/encrypted/encryption-config.yaml"));
    try (io.regshift.crypto.ValueDecryptor d = new io.regshift.crypto.ValueDecryptor(config, Map.of(), Map.of(),
        key -> io.regshift.crypto.GroupResource.parse(java.util.Objects.toString(
            io.regshift.kube.RegistryKeys.parse(key, "/registry", CATALOG).groupResource(), "")))) {
      ValueCodec codec = ValueCodec.builtin().withDecryptor(d);
      Rewriter rw = new Rewriter(List.of(new MapNamespaceRule(Map.of("shop", "store")), new ResourceVersionRule()), codec,
          "/registry", CATALOG, true);
      Iterator<MvccEntry> it = in.iterator();
      rw.survey(() -> it.hasNext() ? it.next() : null);
      int moved = 0;
      for (MvccEntry e : in) {
        Rewriter.Result r = rw.rewrite(e);
        boolean encrypted = e.keyString().startsWith("/registry/secrets/shop/") || e.keyString().startsWith("/registry/configmaps/");
        if (!e.keyString().contains("/shop/")) {
          if (encrypted) {
            assertSame(e, r.output(), "an encrypted value no rule changed keeps its bytes: " + e.keyString());
          }
          continue;
        }
        String stored = new String(e.value(), StandardCharsets.ISO_8859_1);
        assertEquals(stored.startsWith("k8s:enc:"), r.encryptedSource(), e.keyString());
        assertTrue(r.output().keyString().contains("/store/"), r.output().keyString());
        StoredValue before = codec.decode(e.keyString(), e.value(), false);
        StoredValue after = ValueCodec.builtin().decode(r.output().value());
        assertTrue(after.ok(), r.output().keyString() + ": the output is plaintext: " + after.error());
        assertEquals("store", ((Map<?, ?>) after.object().get("metadata")).get("namespace"));
        if ("kubernetes.io/service-account-token".equals(before.object().get("type"))) {
          // the rule saw the plaintext: the token's namespace follows, the token is made again
          assertEquals("c3RvcmU=", ((Map<?, ?>) after.object().get("data")).get("namespace"), e.keyString());
          assertFalse(((Map<?, ?>) after.object().get("data")).containsKey("token"), e.keyString());
        } else {
          assertEquals(before.object().get("data"), after.object().get("data"), e.keyString());
        }
        moved += r.encryptedSource() ? 1 : 0;
      }
      assertEquals(6, moved, "encrypted values moved"); // 3 Secrets (aesgcm key1, key2), 3 ConfigMaps (secretbox)
    }
  }

  /**
   * A reference inside an encrypted value (a ClusterRoleBinding's subject, in a cluster that
   * encrypts ClusterRoleBindings) is found in the plaintext and moved; without the config the
   * rules can go by the key only, and the ciphertext stays as it is.
   */
  @Test
  void aReferenceInsideAnEncryptedValueIsFoundInItsPlaintext() throws Exception {
    Path yaml = Files.writeString(tmp.resolve("crb.yaml"), """
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
          - resources: [clusterrolebindings.rbac.authorization.k8s.io]
            providers:
              - aesgcm: {keys: [{name: k, secret: %s}]}
        """.formatted(java.util.Base64.getEncoder().encodeToString(new byte[32])));
    io.regshift.crypto.EncryptionConfig config = io.regshift.crypto.EncryptionConfig.read(yaml);
    java.util.function.Function<String, io.regshift.crypto.GroupResource> resourceOf = key -> io.regshift.crypto.GroupResource
        .parse(java.util.Objects.toString(io.regshift.kube.RegistryKeys.parse(key, "/registry", CATALOG).groupResource(), ""));
    String key = "/registry/clusterrolebindings/blog-crontab-editor";
    MvccEntry plain = demo().stream().filter(e -> e.keyString().equals(key)).findFirst().orElseThrow();
    byte[] sealed;
    try (io.regshift.crypto.ValueEncryptor enc = new io.regshift.crypto.ValueEncryptor(config, Map.of(), resourceOf)) {
      sealed = enc.encrypt(key, plain.value());
    }
    MvccEntry encrypted = new MvccEntry(plain.key(), sealed, plain.createRevision(), plain.modRevision(), plain.version(),
        plain.lease(), false, 0);
    List<MvccEntry> in = demo().stream().map(e -> e.keyString().equals(key) ? encrypted : e).toList();
    try (io.regshift.crypto.ValueDecryptor d = new io.regshift.crypto.ValueDecryptor(config, Map.of(), Map.of(), resourceOf)) {
      ValueCodec codec = ValueCodec.builtin().withDecryptor(d);
      for (boolean withConfig : new boolean[] {true, false}) {
        Rewriter rw = new Rewriter(List.of(new MapNamespaceRule(Map.of("blog", "journal"))), withConfig ? codec : ValueCodec.builtin(),
            "/registry", CATALOG, true);
        Iterator<MvccEntry> it = in.iterator();
        rw.survey(() -> it.hasNext() ? it.next() : null);
        Rewriter.Result r = rw.rewrite(encrypted);
        if (!withConfig) {
          assertSame(encrypted, r.output(), "without the config the ciphertext stays");
          continue;
        }
        assertTrue(r.encryptedSource(), "a changed encrypted value is handed on as plaintext");
        assertEquals(List.of("subjects[0].namespace"), r.changes().stream().map(Change::path).toList());
        Map<?, ?> subject = (Map<?, ?>) TreeWalk.list(ValueCodec.builtin().decode(r.output().value()).object(), "subjects").get(0);
        assertEquals("journal", subject.get("namespace"));
      }
    }
  }

  @Test
  void theReportHasOneJsonLinePerChangeAndAppearsOnlyWhenComplete() throws Exception {
    Path file = tmp.resolve("report.jsonl");
    List<Rewriter.Result> results = run(demo(), new NewUidsRule(false), new MapNamespaceRule(Map.of("blog", "journal")));
    try (RewriteReport report = RewriteReport.create(file)) {
      results.forEach(r -> report.addAll(r.changes()));
      assertFalse(Files.exists(file), "the report has its name before it is complete");
      report.commit();
    }
    List<String> lines = Files.readAllLines(file);
    assertEquals(results.stream().mapToLong(r -> r.changes().size()).sum(), lines.size());
    Map<?, ?> first = (Map<?, ?>) Json.parse(lines.stream().filter(l -> l.contains("\"path\":\"key\"")).findFirst().orElseThrow());
    assertEquals(List.of("key", "rule", "path", "old", "new"), new ArrayList<>(first.keySet()));
    assertEquals("map-namespace", first.get("rule"));
    assertEquals(first.get("key"), first.get("old"));
    assertTrue(((String) first.get("new")).contains("/journal/"), first.toString());
    assertTrue(lines.stream().anyMatch(l -> l.matches("\\{\"key\":\"/registry/pods/blog/[^\"]+\",\"rule\":\"new-uids\","
        + "\"path\":\"metadata.uid\",\"old\":\"[0-9a-f-]{36}\",\"new\":\"[0-9a-f-]{36}\"}")), lines.get(0));
    // no Secret's data reaches the report (tokens, kubectl's last-applied copy of a Secret)
    List<String> secretData = new ArrayList<>();
    for (MvccEntry e : demo()) {
      if (e.keyString().startsWith("/registry/secrets/")) {
        Map<String, Object> data = TreeWalk.map(ValueCodec.builtin().decode(e.value()).object(), "data");
        data.values().forEach(v -> secretData.add((String) v));
      }
    }
    assertTrue(secretData.size() > 3, secretData.toString());
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("{\"key\":\"/registry/secrets/blog/")), "no Secret changed");
    for (String line : lines) {
      for (String d : secretData) {
        assertFalse(d.length() > 8 && line.contains(d), "the report holds a Secret's data: " + line);
      }
    }
    try (RewriteReport abandoned = RewriteReport.create(tmp.resolve("never.jsonl"))) {
      abandoned.add(new Change("k", "r", "p", 1, 2));
    }
    try (Stream<Path> left = Files.list(tmp)) {
      assertEquals(List.of(file), left.toList(), "an abandoned report leaves nothing behind");
    }
  }

  @Test
  void sameRunSameNewUidAndUidSetHoldsWhatItWasGiven() {
    NewUidsRule rule = new NewUidsRule(false, new byte[32]);
    String a = rule.newUid("ef7cceb5-d1b2-48bd-b7c6-b908b7e8bfe4");
    assertEquals(a, rule.newUid("ef7cceb5-d1b2-48bd-b7c6-b908b7e8bfe4"));
    assertTrue(UUID_V4.matcher(a).matches(), a);
    // what it is: SHA-256 of the run key and the old uid, its first 16 bytes as a version 4 UUID
    byte[] h;
    try {
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      sha.update(new byte[32]);
      h = sha.digest("ef7cceb5-d1b2-48bd-b7c6-b908b7e8bfe4".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
    h[6] = (byte) (h[6] & 0x0f | 0x40);
    h[8] = (byte) (h[8] & 0x3f | 0x80);
    java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(h);
    assertEquals(new java.util.UUID(bb.getLong(), bb.getLong()).toString(), a);
    assertNotEquals(a, new NewUidsRule(false).newUid("ef7cceb5-d1b2-48bd-b7c6-b908b7e8bfe4"));
    UidSet set = new UidSet();
    List<String> uids = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      uids.add(java.util.UUID.nameUUIDFromBytes(new byte[] {(byte) i, (byte) (i >> 8)}).toString());
    }
    uids.forEach(set::add);
    set.add("not-a-uuid");
    assertTrue(uids.stream().allMatch(set::contains));
    assertTrue(set.contains("not-a-uuid"));
    assertFalse(set.contains(java.util.UUID.randomUUID().toString()));
    assertEquals(5001, set.size());
    // the nil UUID is a uid like another (the table's empty slots are two zero halves)
    String nil = "00000000-0000-0000-0000-000000000000";
    assertFalse(set.contains(nil));
    set.add(nil);
    set.add(nil);
    assertTrue(set.contains(nil));
    assertTrue(set.containsUuid(nil.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, 36));
    assertEquals(5002, set.size());
    assertTrue(uids.stream().allMatch(set::contains));
    assertTrue(Arrays.equals(new long[] {0x0123456789abcdefL, 0x0123456789abcdefL},
        UidSet.parse("01234567-89ab-cdef-0123-456789abcdef")));
  }

  /** Every kind of reference that carries a resourceVersion loses it, EndpointSlices' targetRefs included. */
  @Test
  void resourceVersionIsClearedInEveryReference() {
    List<MvccEntry> in = List.of(
        entry("/registry/endpointslices/shop/web-abc", "{\"apiVersion\":\"discovery.k8s.io/v1\",\"kind\":\"EndpointSlice\","
            + "\"metadata\":{\"name\":\"web-abc\",\"namespace\":\"shop\"},\"addressType\":\"IPv4\",\"endpoints\":[{\"addresses\":"
            + "[\"10.0.0.5\"],\"targetRef\":{\"kind\":\"Pod\",\"namespace\":\"shop\",\"name\":\"web-0\",\"uid\":\"u1\","
            + "\"resourceVersion\":\"4711\"}}]}"),
        entry("/registry/cronjobs/shop/nightly", "{\"apiVersion\":\"batch/v1\",\"kind\":\"CronJob\",\"metadata\":{\"name\":"
            + "\"nightly\",\"namespace\":\"shop\"},\"spec\":{\"schedule\":\"0 1 * * *\",\"jobTemplate\":{}},\"status\":{\"active\":"
            + "[{\"kind\":\"Job\",\"namespace\":\"shop\",\"name\":\"nightly-1\",\"uid\":\"u2\",\"resourceVersion\":\"4712\"}]}}"));
    Map<String, StoredValue> out = outputs(run(in, new ResourceVersionRule()));
    Map<?, ?> target = (Map<?, ?>) ((Map<?, ?>) TreeWalk.list(out.get("/registry/endpointslices/shop/web-abc").object(), "endpoints")
        .get(0)).get("targetRef");
    assertEquals("web-0", target.get("name"));
    assertFalse(target.containsKey("resourceVersion"), target.toString());
    Map<?, ?> active = (Map<?, ?>) TreeWalk.list(out.get("/registry/cronjobs/shop/nightly").object(), "status", "active").get(0);
    assertEquals("nightly-1", active.get("name"));
    assertFalse(active.containsKey("resourceVersion"), active.toString());
  }

  private static MvccEntry entry(String key, String json) {
    @SuppressWarnings("unchecked")
    Map<String, Object> obj = (Map<String, Object>) Json.parse(json);
    return new MvccEntry(key.getBytes(StandardCharsets.UTF_8), ValueCodec.builtin().encode(obj), 5, 5, 1, 0, false, 0);
  }

  @Test
  void tokenSecretsJobsAndKubectlsCopyOfASecretFollowTheirReferences() {
    String saUid = "0b5e3c1a-1111-4222-8333-444455556666";
    String jobUid = "7d0c2f3e-aaaa-4bbb-8ccc-dddddddddddd";
    String lastApplied = "{\\\"apiVersion\\\":\\\"v1\\\",\\\"data\\\":{\\\"password\\\":\\\"c2VjcmV0LXZhbHVlLTQy\\\"},"
        + "\\\"kind\\\":\\\"Secret\\\",\\\"metadata\\\":{\\\"name\\\":\\\"db\\\",\\\"namespace\\\":\\\"shop\\\"}}\\n";
    List<MvccEntry> in = List.of(
        entry("/registry/jobs/shop/report", "{\"apiVersion\":\"batch/v1\",\"kind\":\"Job\",\"metadata\":{\"name\":\"report\","
            + "\"namespace\":\"shop\",\"uid\":\"" + jobUid + "\",\"labels\":{\"batch.kubernetes.io/controller-uid\":\"" + jobUid + "\"}},"
            + "\"spec\":{\"selector\":{\"matchLabels\":{\"batch.kubernetes.io/controller-uid\":\"" + jobUid + "\"}},"
            + "\"template\":{\"metadata\":{\"labels\":{\"batch.kubernetes.io/controller-uid\":\"" + jobUid + "\"}},"
            + "\"spec\":{\"containers\":[{\"name\":\"r\",\"image\":\"busybox\"}],\"restartPolicy\":\"Never\"}}}}"),
        entry("/registry/secrets/shop/cart-token", "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"cart-token\","
            + "\"namespace\":\"shop\",\"uid\":\"9e9e9e9e-1111-4222-8333-444455556666\",\"annotations\":{"
            + "\"kubernetes.io/service-account.name\":\"cart\",\"kubernetes.io/service-account.uid\":\"" + saUid + "\"}},"
            + "\"type\":\"kubernetes.io/service-account-token\",\"data\":{\"namespace\":\"c2hvcA==\",\"token\":\"ZXlKaGJHY2lPaUpTVXpJMU5pSjk=\"}}"),
        entry("/registry/secrets/shop/db", "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"db\","
            + "\"namespace\":\"shop\",\"uid\":\"5a5a5a5a-1111-4222-8333-444455556666\",\"annotations\":{"
            + "\"kubectl.kubernetes.io/last-applied-configuration\":\"" + lastApplied + "\"}},"
            + "\"type\":\"Opaque\",\"data\":{\"password\":\"c2VjcmV0LXZhbHVlLTQy\"}}"),
        entry("/registry/serviceaccounts/shop/cart", "{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":{"
            + "\"name\":\"cart\",\"namespace\":\"shop\",\"uid\":\"" + saUid + "\"}}"));
    List<Rewriter.Result> results = run(in, new MapNamespaceRule(Map.of("shop", "store")), new NewUidsRule(false));
    Map<String, StoredValue> out = outputs(results);
    String newSaUid = uid(out.get("/registry/serviceaccounts/store/cart"));
    Map<String, Object> token = out.get("/registry/secrets/store/cart-token").object();
    assertEquals(newSaUid, TreeWalk.map(token, "metadata", "annotations").get("kubernetes.io/service-account.uid"));
    assertEquals("c3RvcmU=", TreeWalk.map(token, "data").get("namespace")); // "store"
    assertFalse(TreeWalk.map(token, "data").containsKey("token"), "the old token is still there");
    Map<String, Object> job = out.get("/registry/jobs/store/report").object();
    String newJobUid = uid(out.get("/registry/jobs/store/report"));
    assertEquals(newJobUid, TreeWalk.map(job, "metadata", "labels").get("batch.kubernetes.io/controller-uid"));
    assertEquals(newJobUid, TreeWalk.map(job, "spec", "selector", "matchLabels").get("batch.kubernetes.io/controller-uid"));
    assertEquals(newJobUid, TreeWalk.map(job, "spec", "template", "metadata", "labels").get("batch.kubernetes.io/controller-uid"));
    String applied = (String) TreeWalk.map(out.get("/registry/secrets/store/db").object(), "metadata", "annotations")
        .get("kubectl.kubernetes.io/last-applied-configuration");
    assertTrue(applied.contains("\"namespace\":\"store\"") && applied.endsWith("}\n"), applied);
    String report = results.stream().flatMap(r -> r.changes().stream()).map(RewriteReport::line)
        .collect(java.util.stream.Collectors.joining("\n"));
    assertFalse(report.contains("c2VjcmV0LXZhbHVlLTQy") || report.contains("ZXlKaGJHY2lPaUpTVXpJMU5pSjk="), report);
    assertTrue(report.contains("\"path\":\"data.token\",\"old\":\"(the old token)\",\"new\":null"), report);
  }
}
