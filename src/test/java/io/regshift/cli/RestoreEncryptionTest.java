package io.regshift.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regshift.crypto.AtRestEncryptor;
import io.regshift.kube.Json;
import io.regshift.testing.EtcdExtension;
import io.regshift.testing.Etcdctl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * restore with encryption at rest, into real etcds checked with etcdctl: the encrypted demo
 * cluster (aesgcm Secrets under two keys and one plaintext, secretbox ConfigMaps) re-encrypted
 * for a target EncryptionConfiguration, moved under another prefix in the form it was read, and
 * copied as it is, with the errors that keep anything from being written.
 */
class RestoreEncryptionTest {
  static final Path SOURCE = Path.of("test-data/encrypted/cluster.db");
  static final Path SOURCE_CONFIG = Path.of("test-data/encrypted/encryption-config.yaml");

  @RegisterExtension EtcdExtension target = new EtcdExtension();
  @TempDir static Path tmp;
  @TempDir Path work;
  static Path targetConfig;
  static Path wrongTargetConfig;
  static List<Map<String, Object>> sourceObjects;

  static String targetConfigText(byte[] key) {
    return """
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
          - resources: [secrets, configmaps]
            providers:
              - aesgcm: {keys: [{name: restored, secret: %s}]}
              - identity: {}
        """.formatted(Base64.getEncoder().encodeToString(key));
  }

  @BeforeAll
  static void configs() throws Exception {
    targetConfig = Files.writeString(tmp.resolve("target.yaml"), targetConfigText(AtRestEncryptor.random(32)));
    wrongTargetConfig = Files.writeString(tmp.resolve("wrong.yaml"), targetConfigText(AtRestEncryptor.random(32)));
    CliRun export = CliRun.of("export", SOURCE.toString(), "--encryption-config", SOURCE_CONFIG.toString(), "-o", "json");
    assertEquals(0, export.code(), export.show());
    sourceObjects = objects(export.out());
    assertTrue(sourceObjects.stream().filter(o -> "Secret".equals(o.get("kind"))).count() >= 3, sourceObjects.size() + " objects");
  }

  @Test
  void aTargetConfigLeavesNoPlaintextSecretAndOurReaderReadsTheSourceBack() {
    CliRun r = restore("--encryption-config", SOURCE_CONFIG.toString(), "--target-encryption-config", targetConfig.toString());
    assertEquals(0, r.code(), r.show());
    Map<String, byte[]> stored = registry(target.endpoint());
    long secrets = stored.keySet().stream().filter(k -> k.startsWith("/registry/secrets/")).count();
    long configmaps = stored.keySet().stream().filter(k -> k.startsWith("/registry/configmaps/")).count();
    assertTrue(secrets >= 3 && configmaps >= 3, secrets + " secrets, " + configmaps + " configmaps");
    stored.forEach((k, v) -> {
      String text = new String(v, StandardCharsets.ISO_8859_1);
      boolean covered = k.startsWith("/registry/secrets/") || k.startsWith("/registry/configmaps/");
      assertEquals(covered, text.startsWith("k8s:enc:aesgcm:v1:restored:"), k);
      assertFalse(!covered && text.startsWith("k8s:enc:"), "a resource the target config does not cover is plaintext: " + k);
    });
    assertTrue(r.err().contains("at rest: " + String.format("%,d", secrets + configmaps) + " aesgcm:v1:restored, "), r.show());
    assertFalse(r.err().contains("warning"), r.show());
    assertTrue(r.err().contains(", verified " + stored.size()), r.show());

    CliRun back = CliRun.of("export", "etcd://" + target.server().hostPort(), "--encryption-config", targetConfig.toString(), "-o", "json");
    assertEquals(0, back.code(), back.show());
    assertSameObjects(withoutResourceVersions(sourceObjects), withoutResourceVersions(objects(back.out())));

    CliRun wrong = CliRun.of("export", "etcd://" + target.server().hostPort(), "--encryption-config", wrongTargetConfig.toString(), "-o", "json");
    assertEquals(1, wrong.code(), wrong.show());
    long failures = wrong.err().lines().filter(l -> l.contains(": encrypted with aesgcm key \"restored\": the key does not decrypt it:"
        + " authentication failed")).count();
    assertEquals(secrets + configmaps, failures, wrong.show());
  }

  @Test
  void encryptedValuesWithoutTheSourceConfigOrWithAWrongKeyAreErrorsBeforeAnythingIsWritten() throws Exception {
    CliRun noSource = restore("--target-encryption-config", targetConfig.toString());
    assertEquals(1, noSource.code(), noSource.show());
    assertTrue(noSource.err().contains(": encrypted with aesgcm key \"key2\": the target encryption config needs its plaintext:"
        + " give the source's encryption config (--encryption-config) to decrypt it\n"), noSource.show());
    assertTrue(noSource.err().endsWith(" cannot be written as the target needs them (see above); nothing written\n"), noSource.show());
    assertEquals(0, registry(target.endpoint()).size(), "nothing written");

    Path badSource = Files.writeString(work.resolve("bad-source.yaml"), Files.readString(SOURCE_CONFIG)
        .replace("I6hrILVYDUH7u6xjDCcslIQFFLDHLF+h79m/nvKKYfs=", Base64.getEncoder().encodeToString(AtRestEncryptor.random(32))));
    CliRun wrongKey = restore("--encryption-config", badSource.toString(), "--target-encryption-config", targetConfig.toString());
    assertEquals(1, wrongKey.code(), wrongKey.show());
    assertTrue(wrongKey.err().contains(": encrypted with aesgcm key \"key2\": the key does not decrypt it: authentication failed"), wrongKey.show());
    assertFalse(wrongKey.err().contains("key1\""), "the stale key is right: " + wrongKey.show());
    assertEquals(0, registry(target.endpoint()).size(), "nothing written");

    Path badTarget = Files.writeString(work.resolve("bad-target.yaml"), targetConfigText(new byte[7]));
    CliRun bad = restore("--encryption-config", SOURCE_CONFIG.toString(), "--target-encryption-config", badTarget.toString());
    assertEquals(2, bad.code(), bad.show());
    assertEquals("regshift: --target-encryption-config: " + badTarget + ": resources[0].providers[0].aesgcm.keys[0].secret: key"
        + " \"restored\": the secret is 7 bytes, but aesgcm keys are 16, 24 or 32 bytes\n", bad.err());
    assertEquals(0, registry(target.endpoint()).size(), "nothing written");
  }

  @Test
  void withoutATargetConfigCiphertextIsCopiedAsItIsAndTheSummaryWarns() {
    CliRun r = restore();
    assertEquals(0, r.code(), r.show());
    Map<String, byte[]> stored = registry(target.endpoint());
    CliRun ls = CliRun.of("ls", "etcd://" + target.server().hostPort(), "--encryption-config", SOURCE_CONFIG.toString(), "-o", "name");
    assertEquals(0, ls.code(), ls.show());
    long key2 = stored.values().stream().filter(v -> new String(v, StandardCharsets.ISO_8859_1).startsWith("k8s:enc:aesgcm:v1:key2:")).count();
    long box = stored.values().stream().filter(v -> new String(v, StandardCharsets.ISO_8859_1).startsWith("k8s:enc:secretbox:v1:box1:")).count();
    assertTrue(r.err().contains("regshift: warning: " + (key2 + box + 1) + " values are written encrypted with the source's keys"
        + " (1 aesgcm:v1:key1, " + key2 + " aesgcm:v1:key2, " + box + " secretbox:v1:box1): the target kube-apiserver can read"
        + " them only with these keys in its encryption config (--target-encryption-config re-encrypts them)\n"), r.show());
    assertEquals(1, r.err().lines().filter(l -> l.contains("warning")).count(), "warned once: " + r.show());
  }

  @Test
  void movedUnderAnotherPrefixAesgcmValuesAreEncryptedAgainForTheirNewKeyWithTheSameKey() {
    CliRun refused = restore("--target-prefix", "/moved");
    assertEquals(1, refused.code(), refused.show());
    assertTrue(refused.err().contains(": encrypted with aesgcm key \"key2\": its additional data is its etcd key, so writing it"
        + " under /moved/secrets/"), refused.show());
    assertFalse(refused.err().contains("secretbox"), "secretbox values move as they are: " + refused.show());
    assertEquals(0, new Etcdctl(target.endpoint()).run("get", "--prefix", "/", "--keys-only").length(), "nothing written");

    CliRun moved = restore("--target-prefix", "/moved", "--encryption-config", SOURCE_CONFIG.toString());
    assertEquals(0, moved.code(), moved.show());
    assertTrue(moved.err().contains("regshift: warning: "), moved.show());
    CliRun back = CliRun.of("export", "etcd://" + target.server().hostPort(), "--prefix", "/moved", "--encryption-config",
        SOURCE_CONFIG.toString(), "-o", "json");
    assertEquals(0, back.code(), back.show());
    assertSameObjects(withoutResourceVersions(sourceObjects), withoutResourceVersions(objects(back.out())));
  }

  /** A run stopped after its writes were committed resumes: its fresh ciphertexts are recognised as its own. */
  @Test
  void aResumedReEncryptingRestoreKnowsItsOwnCiphertexts() throws Exception {
    String[] args = {"--encryption-config", SOURCE_CONFIG.toString(), "--target-encryption-config", targetConfig.toString()};
    assertEquals(0, restore(args).code());
    Map<String, byte[]> first = registry(target.endpoint());
    // the journal of a run whose answers were all lost: every key sent ("P"), none seen committed
    Map<?, ?> status = (Map<?, ?>) ((List<?>) Json.parse(new Etcdctl(target.endpoint()).run("endpoint", "status", "-w", "json"))).get(0);
    // a uint64: above Long.MAX_VALUE it parses as a BigInteger; its low 64 bits print the same hex
    long cluster = ((Number) ((Map<?, ?>) ((Map<?, ?>) status.get("Status")).get("header")).get("cluster_id")).longValue();
    StringBuilder journal = new StringBuilder("regshift-restore-journal 1 target cluster " + Long.toHexString(cluster) + " prefix /registry/\n");
    java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
    first.forEach((k, v) -> journal.append("P ").append(java.util.HexFormat.of().formatHex(sha.digest(v))).append(' ')
        .append(Base64.getEncoder().encodeToString(k.getBytes(StandardCharsets.UTF_8))).append('\n'));
    Files.writeString(work.resolve("restore.journal"), journal);
    CliRun again = restore(args);
    assertEquals(0, again.code(), again.show());
    assertTrue(again.err().contains("written 0, resumed " + first.size() + ", skipped 0, conflicts 0, verified " + first.size()), again.show());
    Map<String, byte[]> second = registry(target.endpoint());
    first.forEach((k, v) -> assertTrue(java.util.Arrays.equals(v, second.get(k)), "left as the first run wrote it: " + k));

    // without the journal the same keys are a conflict: the content is the same, but nothing says they are ours
    CliRun refused = restore(args);
    assertEquals(2, refused.code(), refused.show());
  }

  @Test
  void aDryRunShowsTheFormsAndWritesNothing() {
    CliRun r = restore("--dry-run", "--encryption-config", SOURCE_CONFIG.toString(), "--target-encryption-config", targetConfig.toString());
    assertEquals(0, r.code(), r.show());
    assertTrue(r.err().contains("regshift: at rest (would be): "), r.show());
    assertTrue(r.err().contains(" aesgcm:v1:restored, "), r.show());
    assertEquals(0, registry(target.endpoint()).size());
  }

  private CliRun restore(String... more) {
    List<String> args = new ArrayList<>(List.of("restore", SOURCE.toString(), "--endpoints", target.endpoint(),
        "--journal", work.resolve("restore.journal").toString(), "--include-all"));
    args.addAll(List.of(more));
    return CliRun.of(args.toArray(String[]::new));
  }

  /** Every key under the prefix and its bytes, as etcdctl reads them. */
  static Map<String, byte[]> registry(String endpoint) {
    Map<?, ?> r = (Map<?, ?>) Json.parse(new Etcdctl(endpoint).run("get", "--prefix", "/registry/", "-w", "json"));
    Map<String, byte[]> keys = new TreeMap<>();
    Object kvs = r.get("kvs");
    for (Object o : kvs == null ? List.of() : (List<?>) kvs) {
      Map<?, ?> kv = (Map<?, ?>) o;
      keys.put(new String(Base64.getDecoder().decode((String) kv.get("key")), StandardCharsets.UTF_8),
          Base64.getDecoder().decode((String) kv.get("value")));
    }
    return keys;
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> objects(String jsonLines) {
    List<Map<String, Object>> out = new ArrayList<>();
    jsonLines.lines().filter(l -> !l.isBlank()).forEach(l -> out.add((Map<String, Object>) Json.parse(l)));
    return out;
  }

  /** The objects by kind, namespace and name, without metadata.resourceVersion (the target's own revisions). */
  @SuppressWarnings("unchecked")
  static Map<String, String> withoutResourceVersions(List<Map<String, Object>> objects) {
    Map<String, String> out = new TreeMap<>();
    for (Map<String, Object> o : objects) {
      Map<String, Object> copy = new LinkedHashMap<>(o);
      Map<String, Object> meta = new LinkedHashMap<>((Map<String, Object>) copy.get("metadata"));
      meta.remove("resourceVersion");
      copy.put("metadata", meta);
      out.put(o.get("kind") + " " + meta.get("namespace") + "/" + meta.get("name"), copy.toString());
    }
    return out;
  }

  static void assertSameObjects(Map<String, String> expected, Map<String, String> actual) {
    java.util.Set<String> missing = new java.util.TreeSet<>(expected.keySet());
    missing.removeAll(actual.keySet());
    java.util.Set<String> extra = new java.util.TreeSet<>(actual.keySet());
    extra.removeAll(expected.keySet());
    assertEquals(List.of(List.of(), List.of()), List.of(List.copyOf(missing), List.copyOf(extra)), "missing, extra");
    expected.forEach((k, v) -> assertEquals(v, actual.get(k), k));
  }
}
