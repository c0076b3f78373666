package io.regshift.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regshift.kube.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The selection flags on the demo snapshot (test-data/demo-cluster.db, a real etcd's snapshot):
 * what ls, export and backup select is what a full decode of every object says should be
 * selected, computed here from `export -o json` of everything, independently of the selector.
 */
class SelectionFlagsTest {
  static final Path DEMO = Path.of("test-data", "demo-cluster.db");
  static final Path ENCRYPTED = Path.of("test-data", "encrypted", "cluster.db");
  static final Path ENCRYPTION_CONFIG = Path.of("test-data", "encrypted", "encryption-config.yaml");
  @TempDir static Path tmp;
  /** Every live object of the demo, fully decoded. */
  static List<Map<?, ?>> all;
  /** Their keys, in the same (key) order. */
  static List<String> keys;

  @BeforeAll
  static void decodeEverything() {
    CliRun r = CliRun.of("export", DEMO.toString(), "-o", "json");
    assertEquals(0, r.code(), r.show());
    all = objects(r.out());
    assertTrue(all.size() > 150, all.size() + " objects");
    CliRun ls = CliRun.of("ls", DEMO.toString(), "-o", "json");
    keys = objects(ls.out()).stream().map(l -> (String) l.get("key")).toList();
    assertEquals(all.size(), keys.size(), "ls and export list the same objects, in key order");
  }

  @Test
  void labelSelectorsSelectWhatTheLabelsSay() {
    assertSelects(o -> "blog".equals(labels(o).get("app")), "-l", "app=blog");
    assertSelects(o -> !"web".equals(labels(o).get("tier")), "-l", "tier!=web");
    assertSelects(o -> ("web".equals(labels(o).get("tier")) || "db".equals(labels(o).get("tier"))) && !labels(o).containsKey("pod-template-hash"),
        "--selector", "tier in (web,db),!pod-template-hash");
    assertSelects(o -> labels(o).containsKey("k8s-app") && !"kube-proxy".equals(labels(o).get("k8s-app")),
        "-l", "k8s-app,k8s-app notin (kube-proxy)");
    assertSelects(o -> "shop".equals(namespace(o)) && "cart".equals(labels(o).get("app")), "-l", "app==cart", "-n", "shop");
  }

  @Test
  void namespaceAndNameGlobsAndExclusions() {
    assertSelects(o -> namespace(o).startsWith("b") || namespace(o).equals("shop"), "-n", "b*", "-n", "shop");
    assertSelects(o -> !namespace(o).startsWith("kube-"), "--exclude-namespace", "kube-*");
    assertSelects(o -> name(o).startsWith("blog") && !kind(o).equals("Event"), "--name", "blog*", "--exclude-kind", "ev");
    assertSelects(o -> name(o).matches(".*-mysql$") && !namespace(o).isEmpty(), "--name-regex=-mysql$", "-A");
    assertSelects(o -> kind(o).equals("Deployment") || kind(o).equals("CronTab"),
        "--kind", "deployments.apps", "--kind", "crontabs.stable.example.com");
  }

  @Test
  void portableLeavesOutWhatTheTargetClusterRebuilds() {
    Set<String> notPortable = Set.of("Node", "Event", "Lease", "Endpoints", "EndpointSlice", "RangeAllocation",
        "IPAddress", "CSINode", "VolumeAttachment");
    // every pod and ReplicaSet of the demo is owned by a Deployment, ReplicaSet or DaemonSet it also holds
    assertSelects(o -> !notPortable.contains(kind(o)) && !kind(o).equals("Pod") && !kind(o).equals("ReplicaSet")
        && !"kubernetes.io/service-account-token".equals(((Map<?, ?>) o).get("type")), "--portable");
    // a controller that is not selected recreates nothing: its pods stay
    assertSelects(o -> kind(o).equals("Pod"), "--portable", "--kind", "pods");
    // kube-proxy's pods go with their DaemonSet; CoreDNS's stay, their ReplicaSet not being selected
    assertSelects(o -> namespace(o).equals("kube-system") && (kind(o).equals("Pod") && labels(o).containsKey("pod-template-hash")
        || kind(o).equals("DaemonSet")), "--portable", "--kind", "pods,ds", "-n", "kube-system", "--exclude-namespace", "x");
  }

  @Test
  void explainNamesTheRuleForEveryExcludedObjectAndCountsPerRule() {
    CliRun r = CliRun.of("ls", DEMO.toString(), "--portable", "--explain", "-o", "name");
    assertEquals(0, r.code(), r.show());
    List<String> lines = r.err().lines().toList();
    List<String> excluded = lines.stream().filter(l -> l.startsWith("excluded /registry/")).toList();
    assertEquals(all.size() - r.out().lines().count(), excluded.size(), r.err());
    assertTrue(excluded.contains("excluded /registry/events/blog/" + firstName("Event", "blog")
        + ": --portable: events are not portable"), r.err());
    assertTrue(excluded.stream().anyMatch(l -> l.matches("excluded /registry/pods/shop/frontend-\\S+: --portable: owned by"
        + " a selected controller, which recreates it")), r.err());
    assertTrue(excluded.stream().anyMatch(l -> l.matches("excluded /registry/secrets/\\S+: --portable: service-account token"
        + " secrets are not portable")), r.err());
    assertTrue(lines.contains("regshift: excluded " + excluded.size() + " objects:"), r.err());
    long events = all.stream().filter(o -> kind(o).equals("Event")).count();
    assertTrue(lines.contains(String.format("%8d  --portable: events are not portable", events)), r.err());
    long perRule = lines.stream().filter(l -> l.matches(" +\\d+  --portable: .*"))
        .mapToLong(l -> Long.parseLong(l.trim().split(" ")[0])).sum();
    assertEquals(excluded.size(), perRule, "the counts per rule add up to the objects excluded");
  }

  @Test
  void exportAndBackupCountExclusionsInTheirSummary() throws Exception {
    CliRun export = CliRun.of("export", DEMO.toString(), "-o", "json", "-l", "app=blog");
    assertEquals(0, export.code(), export.show());
    long kept = export.out().lines().count();
    assertTrue(export.err().contains("regshift: exported " + kept + " objects, " + (all.size() - kept)
        + " excluded by the selection (--explain lists them)\n"), export.err());
    Path archive = tmp.resolve("blog.tar.gz");
    CliRun backup = CliRun.of("backup", DEMO.toString(), "-f", archive.toString(), "-l", "app=blog", "--portable");
    assertEquals(0, backup.code(), backup.show());
    CliRun listed = CliRun.of("ls", archive.toString(), "-o", "name");
    assertEquals(CliRun.of("ls", DEMO.toString(), "-o", "name", "-l", "app=blog", "--portable").out(), listed.out());
    assertTrue(listed.out().contains("deployment.apps/blog\n") && !listed.out().contains("pod/"), listed.out());
    assertTrue(backup.err().contains(" excluded by the selection"), backup.err());
    assertEquals(Map.of("namespaces", List.of(), "kinds", List.of(), "allKeys", false, "labelSelector", "app=blog",
        "portable", true), BackupCommandTest.manifest(archive).get("selection"), "the manifest says what was selected");
  }

  @Test
  void badSelectionsAreOneLineErrorsBeforeAnythingIsWritten() {
    Path archive = tmp.resolve("never.tar.gz");
    for (String[] flags : List.of(new String[] {"-l", "app in (blog"}, new String[] {"--name-regex", "(blog"},
        new String[] {"--kind", "deploymnets.apps"}, new String[] {"--exclude-kind", "crontabs.stable"},
        new String[] {"--name", "blog-[0-9"}, new String[] {"-l", "a=b=c"})) {
      List<String> args = new ArrayList<>(List.of("backup", DEMO.toString(), "-f", archive.toString()));
      args.addAll(List.of(flags));
      CliRun r = CliRun.of(args.toArray(String[]::new));
      assertEquals(2, r.code(), r.show());
      assertEquals(1, r.err().lines().count(), r.show());
      assertTrue(r.err().startsWith("regshift: " + flags[0] + " "), r.show());
      assertFalse(Files.exists(archive), "nothing is written");
      assertTrue(r.out().isEmpty());
    }
    CliRun ls = CliRun.of("ls", DEMO.toString(), "-l", "x>a");
    assertEquals("regshift: -l 'x>a': unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer\n",
        ls.err());
  }

  @Test
  void encryptedValuesAreReportedNotDroppedSilently() {
    // without the configuration the labels of the encrypted Secrets cannot be read: left out, and said so
    CliRun blind = CliRun.of("ls", ENCRYPTED.toString(), "--kind", "secrets", "-l", "!no-such-label", "-o", "name");
    assertEquals(0, blind.code(), blind.show());
    assertEquals("secret/blog-mysql\n", blind.out(), "the plaintext Secret is checked and kept");
    assertTrue(blind.err().contains("regshift: 3 objects left out by -l: the value cannot be read, so neither can its labels;"
        + " pass --encryption-config for values encrypted at rest"), blind.err());
    CliRun seeing = CliRun.of("ls", ENCRYPTED.toString(), "--kind", "secrets", "-l", "!no-such-label", "-o", "name",
        "--encryption-config", ENCRYPTION_CONFIG.toString());
    assertEquals("secret/blog-mysql\nsecret/cart-db\nsecret/cart-token\nsecret/shop-tls\n", seeing.out(), seeing.show());

    // --portable keeps what it cannot check, and says so; with the configuration the token is found
    CliRun portable = CliRun.of("ls", ENCRYPTED.toString(), "--kind", "secrets", "--portable", "-o", "name");
    assertEquals("secret/blog-mysql\nsecret/cart-db\nsecret/cart-token\nsecret/shop-tls\n", portable.out(), portable.show());
    assertTrue(portable.err().contains("regshift: 3 objects kept without the --portable check: the value cannot be read;"),
        portable.err());
    CliRun decrypted = CliRun.of("ls", ENCRYPTED.toString(), "--kind", "secrets", "--portable", "-o", "name", "--explain",
        "--encryption-config", ENCRYPTION_CONFIG.toString());
    assertEquals("secret/blog-mysql\nsecret/cart-db\nsecret/shop-tls\n", decrypted.out(), decrypted.show());
    assertTrue(decrypted.err().contains("excluded /registry/secrets/shop/cart-token: --portable: service-account token"
        + " secrets are not portable\n"), decrypted.err());
  }

  /** ls -o json and export -o json with {@code flags} both select exactly the objects {@code expected} accepts. */
  private static void assertSelects(Predicate<Map<?, ?>> expected, String... flags) {
    Set<String> wantIds = new TreeSet<>();
    Set<String> wantKeys = new TreeSet<>();
    for (int i = 0; i < all.size(); i++) {
      if (expected.test(all.get(i))) {
        wantIds.add(id(all.get(i)));
        wantKeys.add(keys.get(i));
      }
    }
    assertFalse(wantIds.isEmpty(), "a test that selects nothing proves little: " + List.of(flags));
    List<String> exportArgs = new ArrayList<>(List.of("export", DEMO.toString(), "-o", "json"));
    exportArgs.addAll(List.of(flags));
    CliRun export = CliRun.of(exportArgs.toArray(String[]::new));
    assertEquals(0, export.code(), export.show());
    Set<String> got = new TreeSet<>();
    objects(export.out()).forEach(o -> got.add(id(o)));
    assertSameSet(wantIds, got, "export " + List.of(flags));
    List<String> lsArgs = new ArrayList<>(List.of("ls", DEMO.toString(), "-o", "json"));
    lsArgs.addAll(List.of(flags));
    CliRun ls = CliRun.of(lsArgs.toArray(String[]::new));
    assertEquals(0, ls.code(), ls.show());
    Set<String> listed = new TreeSet<>();
    objects(ls.out()).forEach(line -> listed.add((String) line.get("key")));
    assertSameSet(wantKeys, listed, "ls " + List.of(flags));
  }

  /** Equal sets, or a message with only the difference. */
  private static void assertSameSet(Set<String> want, Set<String> got, String what) {
    Set<String> missing = new TreeSet<>(want);
    missing.removeAll(got);
    Set<String> extra = new TreeSet<>(got);
    extra.removeAll(want);
    assertTrue(missing.isEmpty() && extra.isEmpty(), what + ": missing " + missing + ", not expected " + extra);
  }

  private String firstName(String kind, String ns) {
    return all.stream().filter(o -> kind(o).equals(kind) && namespace(o).equals(ns)).map(SelectionFlagsTest::name)
        .sorted().findFirst().orElseThrow();
  }

  static List<Map<?, ?>> objects(String jsonLines) {
    return jsonLines.lines().filter(l -> !l.isBlank()).<Map<?, ?>>map(l -> (Map<?, ?>) Json.parse(l)).toList();
  }

  static String id(Map<?, ?> o) {
    return namespace(o) + "/" + kind(o) + "/" + name(o);
  }

  static String kind(Map<?, ?> o) {
    return String.valueOf(o.get("kind"));
  }

  static Map<?, ?> meta(Map<?, ?> o) {
    return o.get("metadata") instanceof Map<?, ?> m ? m : Map.of();
  }

  static String namespace(Map<?, ?> o) {
    return meta(o).get("namespace") instanceof String s ? s : "";
  }

  static String name(Map<?, ?> o) {
    return String.valueOf(meta(o).get("name"));
  }

  static Map<?, ?> labels(Map<?, ?> o) {
    return meta(o).get("labels") instanceof Map<?, ?> m ? m : Map.of();
  }
}
