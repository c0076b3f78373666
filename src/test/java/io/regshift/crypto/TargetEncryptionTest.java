package io.regshift.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regshift.kube.RegistryKeys;
import io.regshift.kube.ResourceCatalog;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * What a writer stores for each value: re-encrypted for a target configuration with the source
 * key for decryption and the target key for encryption, or kept in the form it was read.
 */
class TargetEncryptionTest {
  static final byte[] SRC = AtRestEncryptor.random(32);
  static final byte[] BOX = AtRestEncryptor.random(32);
  static final byte[] DST = AtRestEncryptor.random(32);
  static final byte[] PLAIN = "k8s\0 the Secret".getBytes(StandardCharsets.ISO_8859_1);
  static final String FROM = "/registry/secrets/prod/db";
  static final String TO = "/restored/secrets/prod/db";

  static final EncryptionConfig SOURCE = EncryptionConfig.parse("""
      apiVersion: apiserver.config.k8s.io/v1
      kind: EncryptionConfiguration
      resources:
      - resources: [secrets]
        providers: [{aesgcm: {keys: [{name: src, secret: %s}]}}, {identity: {}}]
      - resources: [configmaps]
        providers: [{secretbox: {keys: [{name: box, secret: %s}]}}, {identity: {}}]
      """.formatted(b64(SRC), b64(BOX)), "source.yaml");
  static final EncryptionConfig TARGET = EncryptionConfig.parse("""
      apiVersion: apiserver.config.k8s.io/v1
      kind: EncryptionConfiguration
      resources:
      - resources: [secrets]
        providers: [{aesgcm: {keys: [{name: dst, secret: %s}]}}]
      """.formatted(b64(DST)), "target.yaml");

  static Function<String, GroupResource> under(String prefix) {
    return k -> GroupResource.parse(RegistryKeys.parse(k, prefix, ResourceCatalog.builtin()).groupResource());
  }

  static TargetEncryption withTarget(boolean sourceConfig) {
    return new TargetEncryption(sourceConfig ? new ValueDecryptor(SOURCE, Map.of(), Map.of(), under("/registry")) : null,
        sourceConfig ? new ValueEncryptor(SOURCE, Map.of(), under("/restored")) : null,
        new ValueEncryptor(TARGET, Map.of(), under("/restored")),
        new ValueDecryptor(TARGET, Map.of(), Map.of(), under("/restored")));
  }

  static TargetEncryption keepingForm(boolean sourceConfig) {
    return new TargetEncryption(sourceConfig ? new ValueDecryptor(SOURCE, Map.of(), Map.of(), under("/registry")) : null,
        sourceConfig ? new ValueEncryptor(SOURCE, Map.of(), under("/restored")) : null, null,
        sourceConfig ? new ValueDecryptor(SOURCE, Map.of(), Map.of(), under("/restored")) : null);
  }

  @Test
  void aTargetConfigDecryptsWithTheSourceKeyAndEncryptsWithTheTargetKey() throws Exception {
    try (TargetEncryption t = withTarget(true);
         ValueDecryptor target = new ValueDecryptor(TARGET, Map.of(), Map.of(), under("/restored"))) {
      byte[] stored = AtRestEncryptor.aesgcm("src", SRC, FROM, PLAIN);
      TargetEncryption.Written w = t.carry(FROM, TO, stored);
      assertEquals("aesgcm:v1:dst", w.form());
      assertTrue(new String(w.value(), StandardCharsets.ISO_8859_1).startsWith("k8s:enc:aesgcm:v1:dst:"));
      assertArrayEquals(PLAIN, target.decrypt(TO, w.value()), "opens under the target key");
      assertArrayEquals(PLAIN, w.plaintext());
      assertFalse(w.needsSourceKeys());
      assertTrue(t.holds(TO, w.value(), w));
      assertTrue(t.holds(TO, t.carry(FROM, TO, stored).value(), w), "another fresh encryption of the same content holds too");
      assertFalse(t.holds(TO, PLAIN, w), "the plaintext in the target does not");
      assertFalse(t.holds(TO, AtRestEncryptor.aesgcm("dst", DST, TO, "other".getBytes(StandardCharsets.UTF_8)), w));

      TargetEncryption.Written plain = t.carry(FROM, TO, PLAIN);
      assertEquals("aesgcm:v1:dst", plain.form(), "a plaintext Secret is encrypted");
      assertArrayEquals(PLAIN, target.decrypt(TO, plain.value()));

      byte[] cm = AtRestEncryptor.secretbox("box", BOX, PLAIN);
      TargetEncryption.Written uncovered = t.carry("/registry/configmaps/prod/c", "/restored/configmaps/prod/c", cm);
      assertEquals("plaintext", uncovered.form(), "a resource the target does not cover is written as plaintext");
      assertArrayEquals(PLAIN, uncovered.value());
      assertNull(uncovered.plaintext());
    }
  }

  @Test
  void aValueThatMustBeDecryptedButCannotBeIsAnError() {
    byte[] stored = AtRestEncryptor.aesgcm("src", SRC, FROM, PLAIN);
    try (TargetEncryption t = withTarget(false)) {
      assertEquals("encrypted with aesgcm key \"src\": the target encryption config needs its plaintext: give the source's"
          + " encryption config (--encryption-config) to decrypt it", assertThrows(EncryptionException.class, () -> t.carry(FROM, TO, stored)).getMessage());
    }
    try (TargetEncryption t = withTarget(true)) {
      byte[] wrong = AtRestEncryptor.aesgcm("src", AtRestEncryptor.random(32), FROM, PLAIN);
      assertEquals("encrypted with aesgcm key \"src\": the key does not decrypt it: authentication failed (a wrong key,"
          + " damaged data, or a value copied from another etcd key)", assertThrows(EncryptionException.class, () -> t.carry(FROM, TO, wrong)).getMessage());
      byte[] cut = java.util.Arrays.copyOf(stored, stored.length - 20);
      assertThrows(EncryptionException.class, () -> t.carry(FROM, TO, cut));
    }
  }

  @Test
  void withoutATargetConfigCiphertextIsCopiedUnlessItIsBoundToAKeyThatChanges() throws Exception {
    byte[] gcm = AtRestEncryptor.aesgcm("src", SRC, FROM, PLAIN);
    byte[] box = AtRestEncryptor.secretbox("box", BOX, PLAIN);
    try (TargetEncryption t = keepingForm(false)) {
      TargetEncryption.Written same = t.carry(FROM, FROM, gcm);
      assertSame(gcm, same.value(), "the same key: the bytes as they are");
      assertTrue(same.needsSourceKeys());
      assertEquals("aesgcm:v1:src", same.form());
      assertSame(box, t.carry("/registry/configmaps/a/b", "/restored/configmaps/a/b", box).value(), "secretbox is not bound to its key");
      assertSame(PLAIN, t.carry(FROM, TO, PLAIN).value());
      assertFalse(t.carry(FROM, TO, PLAIN).needsSourceKeys());
      EncryptionException e = assertThrows(EncryptionException.class, () -> t.carry(FROM, TO, gcm));
      assertEquals("encrypted with aesgcm key \"src\": its additional data is its etcd key, so writing it under " + TO
          + " needs it decrypted and encrypted again: give the source's encryption config (--encryption-config) to decrypt it", e.getMessage());
    }
    try (TargetEncryption t = keepingForm(true);
         ValueDecryptor readTarget = new ValueDecryptor(SOURCE, Map.of(), Map.of(), under("/restored"))) {
      TargetEncryption.Written moved = t.carry(FROM, TO, gcm);
      assertEquals("aesgcm:v1:src", moved.form());
      assertTrue(moved.needsSourceKeys());
      assertArrayEquals(PLAIN, readTarget.decrypt(TO, moved.value()), "the same key, bound to the new etcd key");
      assertTrue(t.holds(TO, moved.value(), moved));
      byte[] changed = "k8s\0 rewritten".getBytes(StandardCharsets.ISO_8859_1);
      TargetEncryption.Written rewritten = t.rewritten(FROM, gcm, TO, changed);
      assertArrayEquals(changed, readTarget.decrypt(TO, rewritten.value()));
    }
  }

  static String b64(byte[] b) {
    return java.util.Base64.getEncoder().encodeToString(b);
  }
}
