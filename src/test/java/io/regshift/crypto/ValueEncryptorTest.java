package io.regshift.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regshift.crypto.proto.KmsEnvelopeV2Proto.EncryptedDEKSourceType;
import io.regshift.crypto.proto.KmsEnvelopeV2Proto.EncryptedObject;
import io.regshift.kube.RegistryKeys;
import io.regshift.kube.ResourceCatalog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Values written by {@link ValueEncryptor} are what kube-apiserver stores: the JDK's own AES
 * opens the aesgcm and aescbc payloads, our reader opens every provider's, KMS values carry the
 * seed or DEK the plugin wrapped (unwrapped here without regshift's code).
 */
class ValueEncryptorTest {
  static final Function<String, GroupResource> RESOURCE =
      k -> GroupResource.parse(RegistryKeys.parse(k, "/registry", ResourceCatalog.builtin()).groupResource());
  static final byte[] GCM = AtRestEncryptor.random(32);
  static final byte[] OLD = AtRestEncryptor.random(16);
  static final byte[] CBC = AtRestEncryptor.random(24);
  static final byte[] BOX = AtRestEncryptor.random(32);
  static final byte[] PLAIN = "k8s\0\n\u0002v1\u0012\u0006Secret a stored Secret".getBytes(StandardCharsets.ISO_8859_1);
  static final String SECRET = "/registry/secrets/prod/db-password";

  @TempDir Path tmp;

  static String config(String kmsEndpoint) {
    return """
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
        - resources: [secrets]
          providers:
          - aesgcm: {keys: [{name: new, secret: %s}, {name: old, secret: %s}]}
          - identity: {}
        - resources: [configmaps]
          providers: [{aescbc: {keys: [{name: cbc, secret: %s}]}}]
        - resources: [deployments.apps]
          providers: [{secretbox: {keys: [{name: box, secret: %s}]}}]
        - resources: [leases.coordination.k8s.io]
          providers: [{identity: {}}, {aesgcm: {keys: [{name: new, secret: %1$s}]}}]
        - resources: [pods]
          providers: [{kms: {apiVersion: v2, name: vault, endpoint: "%5$s", timeout: 5s}}]
        - resources: [services]
          providers: [{kms: {apiVersion: v1, name: legacy, endpoint: "%5$s", timeout: 5s}}]
        """.formatted(b64(GCM), b64(OLD), b64(CBC), b64(BOX), kmsEndpoint);
  }

  static EncryptionConfig parsed(String endpoint) {
    return EncryptionConfig.parse(config(endpoint), "target.yaml");
  }

  @Test
  void eachResourceIsWrittenWithItsFirstProviderAndKeyAndReadsBack() throws Exception {
    EncryptionConfig c = parsed("unix:///nonexistent/kms.sock");
    try (ValueEncryptor e = new ValueEncryptor(c, Map.of(), RESOURCE);
         ValueDecryptor d = new ValueDecryptor(c, Map.of(), Map.of(), RESOURCE)) {
      Map<String, String> expected = Map.of(
          SECRET, "k8s:enc:aesgcm:v1:new:",
          "/registry/configmaps/prod/settings", "k8s:enc:aescbc:v1:cbc:",
          "/registry/deployments/prod/web", "k8s:enc:secretbox:v1:box:");
      for (Map.Entry<String, String> x : expected.entrySet()) {
        byte[] a = e.encrypt(x.getKey(), PLAIN);
        byte[] b = e.encrypt(x.getKey(), PLAIN);
        assertTrue(new String(a, StandardCharsets.ISO_8859_1).startsWith(x.getValue()), x.getKey());
        assertEquals(x.getValue().substring("k8s:enc:".length(), x.getValue().length() - 1), e.writes(x.getKey()));
        assertFalse(Arrays.equals(a, b), "a fresh IV or nonce each time: " + x.getKey());
        assertArrayEquals(PLAIN, d.decrypt(x.getKey(), a), x.getKey());
        assertArrayEquals(PLAIN, d.decrypt(x.getKey(), b), x.getKey());
      }
      assertArrayEquals(PLAIN, e.encrypt("/registry/leases/kube-system/x", PLAIN), "identity first: plaintext");
      assertArrayEquals(PLAIN, e.encrypt("/registry/namespaces/prod", PLAIN), "a resource no rule names: plaintext");
      assertEquals("plaintext", e.writes("/registry/namespaces/prod"));
      // aesgcm binds the value to its key: under another key it does not open
      byte[] moved = e.encrypt(SECRET, PLAIN);
      DecryptionException wrongKey = assertThrows(DecryptionException.class, () -> d.decrypt("/registry/secrets/prod/other", moved));
      assertTrue(wrongKey.getMessage().contains("authentication failed"), wrongKey.getMessage());
    }
  }

  @Test
  void theJdksAesOpensWhatWeWrote() throws Exception {
    try (ValueEncryptor e = new ValueEncryptor(parsed("unix:///nonexistent/kms.sock"), Map.of(), RESOURCE)) {
      byte[] gcm = e.encrypt(SECRET, PLAIN);
      int at = "k8s:enc:aesgcm:v1:new:".length();
      Cipher g = Cipher.getInstance("AES/GCM/NoPadding");
      g.init(Cipher.DECRYPT_MODE, new SecretKeySpec(GCM, "AES"), new GCMParameterSpec(128, gcm, at, 12));
      g.updateAAD(SECRET.getBytes(StandardCharsets.UTF_8));
      assertArrayEquals(PLAIN, g.doFinal(gcm, at + 12, gcm.length - at - 12));

      byte[] cbc = e.encrypt("/registry/configmaps/prod/settings", PLAIN);
      at = "k8s:enc:aescbc:v1:cbc:".length();
      Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
      c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(CBC, "AES"), new IvParameterSpec(cbc, at, 16));
      assertArrayEquals(PLAIN, c.doFinal(cbc, at + 16, cbc.length - at - 16));
    }
  }

  @Test
  void encryptLikeUsesTheProviderAndKeyAValueWasReadWith() throws Exception {
    EncryptionConfig c = parsed("unix:///nonexistent/kms.sock");
    try (ValueEncryptor e = new ValueEncryptor(c, Map.of(), RESOURCE);
         ValueDecryptor d = new ValueDecryptor(c, Map.of(), Map.of(), RESOURCE)) {
      EncryptedValue old = EncryptedValue.parse(AtRestEncryptor.aesgcm("old", OLD, SECRET, PLAIN)).orElseThrow();
      String moved = "/registry/secrets/staging/db-password";
      byte[] again = e.encryptLike(old, moved, PLAIN);
      assertTrue(new String(again, StandardCharsets.ISO_8859_1).startsWith("k8s:enc:aesgcm:v1:old:"));
      assertArrayEquals(PLAIN, d.decrypt(moved, again));
      EncryptedValue unknown = EncryptedValue.parse("k8s:enc:aesgcm:v1:gone:xxxxxxxxxxxxxxxxxxxxxxxxxxxx".getBytes(StandardCharsets.UTF_8)).orElseThrow();
      assertEquals("encrypted with aesgcm key \"gone\", which target.yaml does not have",
          assertThrows(EncryptionException.class, () -> e.encryptLike(unknown, moved, PLAIN)).getMessage());
    }
  }

  @Test
  void kmsV2ValuesCarryTheSeedThePluginWrappedOnceAndOpenWithoutRegshift() throws Exception {
    try (TestKmsPlugin plugin = new TestKmsPlugin(tmp.resolve("kms.sock"), "kek-7")) {
      EncryptionConfig c = parsed(plugin.endpoint());
      try (ValueEncryptor e = new ValueEncryptor(c, Map.of(), RESOURCE);
           ValueDecryptor d = new ValueDecryptor(c, Map.of(), Map.of(), RESOURCE)) {
        for (int i = 0; i < 20; i++) {
          String key = "/registry/pods/prod/web-" + i;
          byte[] v = e.encrypt(key, PLAIN);
          String prefix = "k8s:enc:kms:v2:vault:";
          assertTrue(new String(v, StandardCharsets.ISO_8859_1).startsWith(prefix));
          EncryptedObject o = EncryptedObject.parseFrom(Arrays.copyOfRange(v, prefix.length(), v.length));
          assertEquals("kek-7", o.getKeyID());
          assertEquals(EncryptedDEKSourceType.HKDF_SHA256_XNONCE_AES_GCM_SEED, o.getEncryptedDEKSourceType());
          assertTrue(o.getAnnotationsMap().containsKey(TestKmsPlugin.ANNOTATION), "the plugin's annotations are kept");
          // independently: the plugin's key unwraps the seed, the JDK's HMAC derives the key, the JDK's GCM opens
          byte[] seed = plugin.unwrap(o.getEncryptedDEKSource().toByteArray());
          assertEquals(32, seed.length);
          byte[] data = o.getEncryptedData().toByteArray();
          byte[] dek = AtRestEncryptor.hkdfExpand(seed, Arrays.copyOf(data, 32));
          Cipher g = Cipher.getInstance("AES/GCM/NoPadding");
          g.init(Cipher.DECRYPT_MODE, new SecretKeySpec(dek, "AES"), new GCMParameterSpec(128, data, 32, 12));
          g.updateAAD(key.getBytes(StandardCharsets.UTF_8));
          assertArrayEquals(PLAIN, g.doFinal(data, 44, data.length - 44));
          assertArrayEquals(PLAIN, d.decrypt(key, v), "and our reader, through the plugin's Decrypt");
        }
        assertEquals(1, plugin.encrypts(), "one seed per run, wrapped once");
        assertEquals(1, plugin.decrypts(), "read back with one Decrypt");
      }
    }
  }

  @Test
  void kmsV1ValuesCarryTheDekThePluginWrapped() throws Exception {
    try (TestKmsPlugin plugin = new TestKmsPlugin(tmp.resolve("kms.sock"), "kek-1")) {
      EncryptionConfig c = parsed(plugin.endpoint());
      try (ValueEncryptor e = new ValueEncryptor(c, Map.of(), RESOURCE);
           ValueDecryptor d = new ValueDecryptor(c, Map.of(), Map.of(), RESOURCE)) {
        String key = "/registry/services/specs/prod/web";
        byte[] v = e.encrypt(key, PLAIN);
        int at = "k8s:enc:kms:v1:legacy:".length();
        assertTrue(new String(v, StandardCharsets.ISO_8859_1).startsWith("k8s:enc:kms:v1:legacy:"));
        int n = ((v[at] & 0xff) << 8) | (v[at + 1] & 0xff);
        byte[] dek = plugin.unwrap(Arrays.copyOfRange(v, at + 2, at + 2 + n));
        int data = at + 2 + n;
        Cipher g = Cipher.getInstance("AES/GCM/NoPadding");
        g.init(Cipher.DECRYPT_MODE, new SecretKeySpec(dek, "AES"), new GCMParameterSpec(128, v, data, 12));
        g.updateAAD(key.getBytes(StandardCharsets.UTF_8));
        assertArrayEquals(PLAIN, g.doFinal(v, data + 12, v.length - data - 12));
        assertArrayEquals(PLAIN, d.decrypt(key, e.encrypt(key, PLAIN)));
        assertEquals(1, plugin.encrypts());
      }
    }
  }

  @Test
  void aKmsPluginThatIsNotThereIsOneLine() {
    String socket = tmp.resolve("absent.sock").toString();
    try (ValueEncryptor e = new ValueEncryptor(parsed("unix://" + socket), Map.of(), RESOURCE)) {
      EncryptionException x = assertThrows(EncryptionException.class, () -> e.encrypt("/registry/pods/prod/web", PLAIN));
      assertEquals("encrypting with kms:v2:vault: cannot reach the KMS plugin at unix://" + socket
          + ": no such socket (run where the plugin runs, or give --kms-endpoint or --kms-key)", x.getMessage());
    }
  }

  static String b64(byte[] b) {
    return java.util.Base64.getEncoder().encodeToString(b);
  }
}
