package io.regshift.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regshift.kube.RegistryKeys;
import io.regshift.kube.ResourceCatalog;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Values written as kube-apiserver writes them (by the JDK-based {@link AtRestEncryptor}) come
 * back as their plaintext; every way of failing is one line naming provider, key and cause.
 */
class ValueDecryptorTest {
  static final byte[] GCM_KEY = AtRestEncryptor.random(32);
  static final byte[] OLD_GCM_KEY = AtRestEncryptor.random(16);
  static final byte[] CBC_KEY = AtRestEncryptor.random(24);
  static final byte[] BOX_KEY = AtRestEncryptor.random(32);
  static final byte[] SEED = AtRestEncryptor.random(32);
  static final byte[] DEK = AtRestEncryptor.random(32);
  static final String SECRET_KEY = "/registry/secrets/prod/db-password";
  static final byte[] PLAIN = "k8s\0 a stored Secret".getBytes(StandardCharsets.ISO_8859_1);

  static final String CONFIG = """
      apiVersion: apiserver.config.k8s.io/v1
      kind: EncryptionConfiguration
      resources:
      - resources: [secrets]
        providers:
        - aesgcm: {keys: [{name: key1, secret: %s}, {name: key0, secret: %s}]}
        - aescbc: {keys: [{name: cbc, secret: %s}]}
        - secretbox: {keys: [{name: box, secret: %s}]}
        - kms: {apiVersion: v2, name: vault, endpoint: "unix:///nonexistent/kms.sock"}
        - kms: {apiVersion: v1, name: legacy, endpoint: "unix:///nonexistent/kms1.sock"}
        - identity: {}
      - resources: [configmaps]
        providers:
        - aesgcm: {keys: [{name: cm-key, secret: %s}]}
      """.formatted(b64(GCM_KEY), b64(OLD_GCM_KEY), b64(CBC_KEY), b64(BOX_KEY), b64(GCM_KEY));

  static ValueDecryptor decryptor(Map<String, List<byte[]>> kmsKeys) {
    return new ValueDecryptor(EncryptionConfig.parse(CONFIG, "enc.yaml"), kmsKeys, Map.of(),
        k -> GroupResource.parse(RegistryKeys.parse(k, "/registry", ResourceCatalog.builtin()).groupResource()));
  }

  @Test
  void everyProviderGivesBackThePlaintext() throws Exception {
    try (ValueDecryptor d = decryptor(Map.of("vault", List.of(AtRestEncryptor.random(32), SEED, DEK), "legacy", List.of(DEK)))) {
      assertArrayEquals(PLAIN, d.decrypt(SECRET_KEY, AtRestEncryptor.aesgcm("key1", GCM_KEY, SECRET_KEY, PLAIN)));
      assertArrayEquals(PLAIN, d.decrypt(SECRET_KEY, AtRestEncryptor.aesgcm("key0", OLD_GCM_KEY, SECRET_KEY, PLAIN)), "an older key");
      assertArrayEquals(PLAIN, d.decrypt(SECRET_KEY, AtRestEncryptor.aescbc("cbc", CBC_KEY, PLAIN)));
      assertArrayEquals(PLAIN, d.decrypt(SECRET_KEY, AtRestEncryptor.secretbox("box", BOX_KEY, PLAIN)));
      assertArrayEquals(PLAIN, d.decrypt(SECRET_KEY, AtRestEncryptor.kmsV2Seed("vault", SEED, new byte[] {1, 2}, "kek-1", SECRET_KEY, PLAIN)));
      assertArrayEquals(PLAIN, d.decrypt(SECRET_KEY, AtRestEncryptor.kmsV2Dek("vault", DEK, new byte[] {3}, "kek-1", SECRET_KEY, PLAIN)));
      assertArrayEquals(PLAIN, d.decrypt(SECRET_KEY, AtRestEncryptor.kmsV1("legacy", DEK, new byte[] {9, 9, 9}, SECRET_KEY, PLAIN)));
      assertArrayEquals(PLAIN, d.decrypt(SECRET_KEY, PLAIN), "plaintext is returned as it is");
    }
  }

  @Test
  void aKeyTheConfigDoesNotHaveIsNamed() {
    try (ValueDecryptor d = decryptor(Map.of())) {
      byte[] v = AtRestEncryptor.aesgcm("key2", GCM_KEY, SECRET_KEY, PLAIN);
      assertEquals("encrypted with aesgcm key \"key2\", which the encryption config does not have", fail(d, SECRET_KEY, v));
      byte[] cm = AtRestEncryptor.aesgcm("cm-key", GCM_KEY, SECRET_KEY, PLAIN);
      assertEquals("encrypted with aesgcm key \"cm-key\", which the encryption config has for other resources but not for secrets",
          fail(d, SECRET_KEY, cm));
      byte[] kms = AtRestEncryptor.kmsV2Seed("aws", SEED, new byte[] {1}, "kek", SECRET_KEY, PLAIN);
      assertEquals("encrypted with kms v2 provider \"aws\", which the encryption config does not have", fail(d, SECRET_KEY, kms));
    }
  }

  @Test
  void aWrongSecretATamperedTagACopiedValueAndACutOneFailEachWithTheirCause() {
    try (ValueDecryptor d = decryptor(Map.of())) {
      byte[] wrong = AtRestEncryptor.aesgcm("key1", AtRestEncryptor.random(32), SECRET_KEY, PLAIN);
      assertTrue(fail(d, SECRET_KEY, wrong).startsWith("encrypted with aesgcm key \"key1\": the key does not decrypt it: authentication failed"));
      byte[] good = AtRestEncryptor.aesgcm("key1", GCM_KEY, SECRET_KEY, PLAIN);
      byte[] tampered = good.clone();
      tampered[tampered.length - 3] ^= 1;
      assertTrue(fail(d, SECRET_KEY, tampered).contains("authentication failed"));
      String moved = fail(d, "/registry/secrets/prod/other", good);
      assertTrue(moved.contains("a value copied from another etcd key"), moved);
      byte[] cut = java.util.Arrays.copyOf(good, "k8s:enc:aesgcm:v1:key1:".length() + 20);
      assertEquals("encrypted with aesgcm key \"key1\": truncated: 20 bytes of ciphertext, fewer than the 28 of the nonce and tag",
          fail(d, SECRET_KEY, cut));
      byte[] box = AtRestEncryptor.secretbox("box", BOX_KEY, PLAIN);
      box[box.length - 1] ^= 1;
      assertTrue(fail(d, SECRET_KEY, box).startsWith("encrypted with secretbox key \"box\": the key does not decrypt it: authentication failed"));
      assertEquals("malformed encryption prefix: unknown provider \"rot13\"",
          fail(d, SECRET_KEY, "k8s:enc:rot13:v1:k:xyz".getBytes(StandardCharsets.UTF_8)));
      assertEquals("encrypted with aesgcm key \"key1\": decrypting it needs the etcd key it is stored under (--key)",
          fail(d, null, good));
    }
  }

  @Test
  void kmsWithoutItsKeysOrPluginSaysWhatIsMissing() {
    try (ValueDecryptor given = decryptor(Map.of("vault", List.of(AtRestEncryptor.random(32))))) {
      byte[] v = AtRestEncryptor.kmsV2Seed("vault", SEED, new byte[] {1}, "kek-7", SECRET_KEY, PLAIN);
      assertEquals("encrypted with kms v2 provider \"vault\": none of the 1 key(s) given with --kms-key vault decrypts it"
          + " (its DEK source is encrypted with KMS key ID \"kek-7\")", fail(given, SECRET_KEY, v));
      byte[] damaged = java.util.Arrays.copyOf(v, "k8s:enc:kms:v2:vault:".length() + 10);
      String m = fail(given, SECRET_KEY, damaged);
      assertTrue(m.startsWith("encrypted with kms v2 provider \"vault\": the KMS v2 EncryptedObject does not parse (truncated or damaged)"), m);
    }
    try (ValueDecryptor plugin = decryptor(Map.of())) {
      byte[] v = AtRestEncryptor.kmsV2Seed("vault", SEED, new byte[] {1}, "kek-7", SECRET_KEY, PLAIN);
      String m = fail(plugin, SECRET_KEY, v);
      assertEquals("encrypted with kms v2 provider \"vault\": cannot reach the KMS plugin at unix:///nonexistent/kms.sock:"
          + " no such socket (run where the plugin runs, or give --kms-endpoint or --kms-key)", m);
    }
  }

  private static String fail(ValueDecryptor d, String key, byte[] value) {
    return assertThrows(DecryptionException.class, () -> d.decrypt(key, value)).getMessage();
  }

  static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }
}
