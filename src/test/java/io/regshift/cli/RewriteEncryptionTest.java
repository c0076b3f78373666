package io.regshift.cli;

import static io.regshift.cli.RestoreEncryptionTest.SOURCE;
import static io.regshift.cli.RestoreEncryptionTest.SOURCE_CONFIG;
import static io.regshift.cli.RestoreEncryptionTest.assertSameObjects;
import static io.regshift.cli.RestoreEncryptionTest.objects;
import static io.regshift.cli.RestoreEncryptionTest.registry;
import static io.regshift.cli.RestoreEncryptionTest.secretsAndConfigMaps;
import static io.regshift.cli.RestoreEncryptionTest.withoutResourceVersions;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regshift.crypto.AtRestEncryptor;
import io.regshift.testing.EtcdServer;
import io.regshift.testing.Etcdctl;
import io.regshift.testing.FreeLoopbackPort;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The snapshot writer ({@code rewrite -f}, {@code backup -f X.db}) and archives with encryption at
 * rest, on the encrypted demo cluster (aesgcm Secrets under two keys and one plaintext, secretbox
 * ConfigMaps): the written file is restored by {@code etcdctl snapshot restore} into a real etcd
 * and read with etcdctl, and read back with our reader and the right config.
 */
class RewriteEncryptionTest {
  @TempDir static Path configs;
  @TempDir Path tmp;
  static Path targetConfig;

  @BeforeAll
  static void config() throws Exception {
    targetConfig = Files.writeString(configs.resolve("target.yaml"),
        RestoreEncryptionTest.targetConfigText(AtRestEncryptor.random(32)));
  }

  @Test
  void aTargetConfigLeavesNoPlaintextSecretInTheRestoredSnapshot() throws Exception {
    Path out = tmp.resolve("out.db");
    CliRun r = CliRun.of("rewrite", SOURCE.toString(), "-f", out.toString(), "--encryption-config", SOURCE_CONFIG.toString(),
        "--target-encryption-config", targetConfig.toString());
    assertEquals(0, r.code(), r.show());
    assertFalse(r.err().contains("warning"), r.show());
    try (EtcdServer restored = restore(out)) {
      Map<String, byte[]> stored = registry(restored.endpoint());
      long covered = 0;
      for (Map.Entry<String, byte[]> e : stored.entrySet()) {
        String text = new String(e.getValue(), StandardCharsets.ISO_8859_1);
        boolean secretOrConfigMap = e.getKey().startsWith("/registry/secrets/") || e.getKey().startsWith("/registry/configmaps/");
        assertEquals(secretOrConfigMap, text.startsWith("k8s:enc:aesgcm:v1:restored:"), e.getKey());
        covered += secretOrConfigMap ? 1 : 0;
      }
      assertTrue(stored.containsKey("/registry/secrets/blog/blog-mysql"), "the source's plaintext Secret: " + stored.keySet());
      assertTrue(r.err().contains("regshift: at rest: " + covered + " aesgcm:v1:restored, " + (stored.size() - covered) + " plaintext\n"),
          r.show());
      // aesgcm's additional data is the key each value is stored under
      byte[] mysql = stored.get("/registry/secrets/blog/blog-mysql");
      String targetKey = Files.readString(targetConfig).replaceAll("(?s).*secret: ([A-Za-z0-9+/=]+).*", "$1");
      assertTrue(new String(RestoreEncryptionTest.openAesgcm(Base64.getDecoder().decode(targetKey), mysql,
          "/registry/secrets/blog/blog-mysql"), StandardCharsets.ISO_8859_1).startsWith("k8s\0"));

      CliRun source = CliRun.of("export", SOURCE.toString(), "--encryption-config", SOURCE_CONFIG.toString(), "-o", "json");
      CliRun back = CliRun.of("export", "etcd://" + restored.hostPort(), "--encryption-config", targetConfig.toString(), "-o", "json");
      assertEquals(0, back.code(), back.show());
      assertSameObjects(withoutResourceVersions(objects(source.out())), withoutResourceVersions(objects(back.out())));
    }
  }

  @Test
  void withoutTheSourceConfigNothingIsWritten() {
    Path out = tmp.resolve("out.db");
    CliRun r = CliRun.of("rewrite", SOURCE.toString(), "-f", out.toString(), "--target-encryption-config", targetConfig.toString());
    assertEquals(1, r.code(), r.show());
    assertTrue(r.err().contains("regshift: /registry/secrets/shop/cart-db: encrypted with aesgcm key \"key1\": the target"
        + " encryption config needs its plaintext: give the source's encryption config (--encryption-config) to decrypt it\n"), r.show());
    assertTrue(r.err().endsWith("regshift: 16 values cannot be written as the target needs them (see above); nothing written\n"),
        r.show());
    assertFalse(Files.exists(out));
    assertEquals(0, tmp.toFile().list().length, "no file left behind");

    CliRun moved = CliRun.of("rewrite", SOURCE.toString(), "-f", out.toString(), "--map-namespace", "shop=store");
    assertEquals(2, moved.code(), moved.show());
    assertTrue(moved.err().startsWith("regshift: 6 objects cannot be rewritten, nothing written: /registry/configmaps/shop/cart-config:"
        + " --map-namespace would rewrite it, but encrypted with secretbox key \"box1\"; decrypting it needs the encryption"
        + " config (--encryption-config); "), moved.show());
    assertFalse(Files.exists(out));
  }

  /** Without a target config, the moved values keep the provider and key they were read with, bound to their new keys. */
  @Test
  void aMappedNamespaceKeepsItsFormAndTheSummaryWarns() {
    Path out = tmp.resolve("out.db");
    CliRun r = CliRun.of("rewrite", SOURCE.toString(), "-f", out.toString(), "--map-namespace", "shop=store",
        "--encryption-config", SOURCE_CONFIG.toString());
    assertEquals(0, r.code(), r.show());
    assertTrue(r.err().contains("regshift: at rest: 1 aesgcm:v1:key1, 2 aesgcm:v1:key2, "), r.show());
    assertTrue(r.err().contains("regshift: warning: 16 values are written encrypted with the source's keys (1 aesgcm:v1:key1,"
        + " 2 aesgcm:v1:key2, 13 secretbox:v1:box1)"), r.show());
    try (EtcdServer restored = restore(out)) {
      Map<String, byte[]> stored = registry(restored.endpoint());
      assertTrue(new String(stored.get("/registry/secrets/store/cart-db"), StandardCharsets.ISO_8859_1)
          .startsWith("k8s:enc:aesgcm:v1:key1:"));
      assertFalse(stored.keySet().stream().anyMatch(k -> k.contains("/shop/")), stored.keySet().toString());
    }
    CliRun expected = CliRun.of("export", SOURCE.toString(), "--encryption-config", SOURCE_CONFIG.toString(),
        "--map-namespace", "shop=store", "-o", "json");
    CliRun back = CliRun.of("export", out.toString(), "--encryption-config", SOURCE_CONFIG.toString(), "-o", "json");
    assertEquals(0, back.code(), back.show());
    assertSameObjects(secretsAndConfigMaps(objects(expected.out())), secretsAndConfigMaps(objects(back.out())));
  }

  @Test
  void backupToADbFileTakesTheTargetConfigAndAnArchiveRefusesIt() {
    Path db = tmp.resolve("backup.db");
    CliRun r = CliRun.of("backup", SOURCE.toString(), "-f", db.toString(), "--encryption-config", SOURCE_CONFIG.toString(),
        "--target-encryption-config", targetConfig.toString());
    assertEquals(0, r.code(), r.show());
    CliRun ls = CliRun.of("ls", db.toString(), "--kind", "secrets", "-o", "wide");
    assertEquals(4, ls.out().lines().filter(l -> l.contains("encrypted:aesgcm:v1:restored")).count(), ls.show());

    Path archive = tmp.resolve("backup.tar.gz");
    CliRun refused = CliRun.of("backup", SOURCE.toString(), "-f", archive.toString(), "--target-encryption-config", targetConfig.toString());
    assertEquals(2, refused.code(), refused.show());
    assertEquals("regshift: --target-encryption-config: an archive keeps every value in the form it was read (restore"
        + " --target-encryption-config encrypts them for the target); it applies to a .db backup\n", refused.err());
    assertFalse(Files.exists(archive));
  }

  /**
   * An archive with a label selection and --map-namespace: the selection reads encrypted labels with
   * the config, the moved values are encrypted again for their new keys, the rest keep their bytes.
   */
  @Test
  void anArchiveSelectsAndRewritesEncryptedValuesWithTheSourceConfig() {
    Path archive = tmp.resolve("shop.tar.gz");
    CliRun unread = CliRun.of("backup", SOURCE.toString(), "-f", archive.toString(), "-l", "app=cart");
    assertEquals(0, unread.code(), unread.show());
    assertTrue(unread.err().contains("regshift: 16 objects left out by -l: the value cannot be read, so neither can its labels;"
        + " pass --encryption-config for values encrypted at rest\n"), unread.show());
    CliRun none = CliRun.of("ls", archive.toString(), "-o", "name");
    assertTrue(none.out().contains("deployment.apps/cart\n") && !none.out().contains("configmap/cart-config"), none.show());

    CliRun r = CliRun.of("backup", SOURCE.toString(), "-f", archive.toString(), "-l", "app=cart", "--map-namespace", "shop=store",
        "--encryption-config", SOURCE_CONFIG.toString());
    assertEquals(0, r.code(), r.show());
    CliRun ls = CliRun.of("ls", archive.toString(), "--all-keys", "-o", "wide");
    assertTrue(ls.out().lines().anyMatch(l -> l.startsWith("/registry/configmaps/store/cart-config ")
        && l.contains("encrypted:secretbox:v1:box1")), ls.show());
    CliRun back = CliRun.of("get", archive.toString(), "configmaps/cart-config", "-n", "store", "--encryption-config",
        SOURCE_CONFIG.toString(), "-o", "json");
    assertEquals(0, back.code(), back.show());
    assertTrue(back.out().contains("\"namespace\":\"store\"") || back.out().contains("\"namespace\": \"store\""), back.out());

    Path whole = tmp.resolve("whole.tar.gz");
    assertEquals(0, CliRun.of("backup", SOURCE.toString(), "-f", whole.toString(), "--encryption-config", SOURCE_CONFIG.toString()).code());
    CliRun raw = CliRun.of("get", whole.toString(), "/registry/secrets/shop/cart-db", "-o", "raw");
    CliRun original = CliRun.of("get", SOURCE.toString(), "/registry/secrets/shop/cart-db", "-o", "raw");
    assertArrayEquals(original.out().getBytes(StandardCharsets.ISO_8859_1), raw.out().getBytes(StandardCharsets.ISO_8859_1),
        "an archive stores the bytes as read");
  }

  /** etcdctl snapshot restore, then an etcd on the restored data dir. */
  private EtcdServer restore(Path db) {
    String peer = "http://127.0.0.1:" + FreeLoopbackPort.pick();
    Path data = tmp.resolve("restored-" + System.nanoTime());
    new Etcdctl("http://127.0.0.1:1").run("snapshot", "restore", db.toString(), "--data-dir=" + data, "--name=restored",
        "--initial-cluster=restored=" + peer, "--initial-advertise-peer-urls=" + peer);
    return EtcdServer.start(EtcdServer.Options.builder().args("--data-dir=" + data, "--name=restored",
        "--initial-cluster=restored=" + peer, "--initial-advertise-peer-urls=" + peer, "--listen-peer-urls=" + peer).build());
  }
}
