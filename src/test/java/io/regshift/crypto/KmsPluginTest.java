package io.regshift.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regshift.crypto.proto.KmsPluginV2Proto.EncryptResponse;
import io.regshift.kube.RegistryKeys;
import io.regshift.kube.ResourceCatalog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KMS v2 as on a control plane: a plugin serves v2.KeyManagementService on a unix socket, the
 * "apiserver" (this test) had it wrap a seed, values were encrypted with keys derived from the
 * seed; regshift asks the plugin to unwrap it, once, and opens every value.
 */
class KmsPluginTest {
  @TempDir Path tmp;

  static String config(String endpoint) {
    return """
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
        - resources: [secrets]
          providers:
          - kms: {apiVersion: v2, name: test-kms, endpoint: "%s", timeout: 5s}
          - identity: {}
        """.formatted(endpoint);
  }

  static ValueDecryptor decryptor(String endpoint, Map<String, List<byte[]>> keys) {
    return new ValueDecryptor(EncryptionConfig.parse(config(endpoint), "enc.yaml"), keys, Map.of(),
        k -> GroupResource.parse(RegistryKeys.parse(k, "/registry", ResourceCatalog.builtin()).groupResource()));
  }

  @Test
  void valuesMadeWithTheSeedThePluginWrappedDecryptWithOneCallToThePlugin() throws Exception {
    byte[] seed = AtRestEncryptor.random(32);
    try (TestKmsPlugin plugin = new TestKmsPlugin(tmp.resolve("kms.sock"), "kek-2024");
         ValueDecryptor d = decryptor(plugin.endpoint(), Map.of())) {
      EncryptResponse wrapped = plugin.encryptOverTheSocket(seed);
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<String>> results = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
          String key = "/registry/secrets/ns/s" + i;
          byte[] value = withAnnotations(AtRestEncryptor.kmsV2Seed("test-kms", seed, wrapped.getCiphertext().toByteArray(),
              wrapped.getKeyId(), key, ("secret " + i).getBytes(StandardCharsets.UTF_8)), wrapped);
          results.add(pool.submit(() -> new String(d.decrypt(key, value), StandardCharsets.UTF_8)));
        }
        for (int i = 0; i < results.size(); i++) {
          assertEquals("secret " + i, results.get(i).get());
        }
      } finally {
        pool.shutdownNow();
      }
      assertEquals(1, plugin.decrypts(), "values sharing a DEK source cost one Decrypt call");
    }
  }

  @Test
  void aPluginThatIsDownOrRefusesIsReportedAndAGivenSeedNeedsNoPlugin() throws Exception {
    byte[] seed = AtRestEncryptor.random(32);
    String key = "/registry/secrets/ns/s";
    byte[] value;
    String endpoint;
    try (TestKmsPlugin plugin = new TestKmsPlugin(tmp.resolve("kms.sock"), "kek-1")) {
      EncryptResponse wrapped = plugin.encryptOverTheSocket(seed);
      value = withAnnotations(AtRestEncryptor.kmsV2Seed("test-kms", seed, wrapped.getCiphertext().toByteArray(),
          wrapped.getKeyId(), key, "x".getBytes(StandardCharsets.UTF_8)), wrapped);
      endpoint = plugin.endpoint();
      byte[] foreign = AtRestEncryptor.kmsV2Seed("test-kms", seed, AtRestEncryptor.random(40), "kek-1", key, new byte[] {1});
      try (ValueDecryptor d = decryptor(endpoint, Map.of())) {
        String m = assertThrows(DecryptionException.class, () -> d.decrypt(key, foreign)).getMessage();
        assertTrue(m.startsWith("encrypted with kms v2 provider \"test-kms\": the KMS plugin at " + endpoint + " refused to decrypt (INVALID_ARGUMENT: "), m);
      }
    }
    try (ValueDecryptor d = decryptor(endpoint, Map.of())) {
      String m = assertThrows(DecryptionException.class, () -> d.decrypt(key, value)).getMessage();
      assertTrue(m.startsWith("encrypted with kms v2 provider \"test-kms\": cannot reach the KMS plugin at " + endpoint), m);
      assertTrue(m.endsWith(": no such socket (run where the plugin runs, or give --kms-endpoint or --kms-key)"), m);
    }
    Path stale = tmp.resolve("stale.sock");
    try (var listener = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
      listener.bind(java.net.UnixDomainSocketAddress.of(stale)); // closed without unlinking: nobody listens
    }
    try (ValueDecryptor d = decryptor("unix://" + stale, Map.of())) {
      String m = assertThrows(DecryptionException.class, () -> d.decrypt(key, value)).getMessage();
      assertTrue(m.startsWith("encrypted with kms v2 provider \"test-kms\": cannot reach the KMS plugin at unix://" + stale + " ("), m);
      assertTrue(m.toLowerCase(java.util.Locale.ROOT).contains("refused"), m);
    }
    try (ValueDecryptor d = decryptor(endpoint, Map.of("test-kms", List.of(seed)))) {
      assertArrayEquals("x".getBytes(StandardCharsets.UTF_8), d.decrypt(key, value), "--kms-key: the seed, no plugin");
    }
  }

  @Test
  void kmsV1ValuesDecryptWithTheDekThePluginUnwraps() throws Exception {
    String config = """
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
        - resources: [secrets]
          providers:
          - kms: {name: old-kms, endpoint: "%s", cachesize: 1000}
        """;
    byte[] dek = AtRestEncryptor.random(32);
    String key = "/registry/secrets/ns/v1";
    try (TestKmsPlugin plugin = new TestKmsPlugin(tmp.resolve("kms1.sock"), "unused");
         ValueDecryptor d = new ValueDecryptor(EncryptionConfig.parse(config.formatted(plugin.endpoint()), "v1.yaml"), Map.of(), Map.of(),
             k -> GroupResource.parse("secrets"))) {
      byte[] wrapped = plugin.wrapV1(dek);
      byte[] gcm = AtRestEncryptor.kmsV1("old-kms", dek, wrapped, key, "gcm".getBytes(StandardCharsets.UTF_8));
      byte[] cbc = AtRestEncryptor.kmsV1Cbc("old-kms", dek, wrapped, "cbc".getBytes(StandardCharsets.UTF_8));
      assertArrayEquals("gcm".getBytes(StandardCharsets.UTF_8), d.decrypt(key, gcm));
      assertArrayEquals("cbc".getBytes(StandardCharsets.UTF_8), d.decrypt(key, cbc), "before 1.25, KMS v1 data was AES-CBC");
      assertEquals(1, plugin.decrypts(), "one DEK, one Decrypt call");
      byte[] cut = java.util.Arrays.copyOf(gcm, "k8s:enc:kms:v1:old-kms:".length() + 5);
      String m = assertThrows(DecryptionException.class, () -> d.decrypt(key, cut)).getMessage();
      assertEquals("encrypted with kms v1 provider \"old-kms\": truncated: the encrypted DEK is said to be " + wrapped.length + " bytes, 3 follow", m);
    }
  }

  /** kube-apiserver stores the plugin's annotations in the EncryptedObject. */
  private static byte[] withAnnotations(byte[] value, EncryptResponse wrapped) throws Exception {
    int at = "k8s:enc:kms:v2:test-kms:".length();
    var o = io.regshift.crypto.proto.KmsEnvelopeV2Proto.EncryptedObject.parseFrom(java.util.Arrays.copyOfRange(value, at, value.length))
        .toBuilder().putAllAnnotations(wrapped.getAnnotationsMap()).build();
    return AtRestEncryptor.concat(java.util.Arrays.copyOf(value, at), o.toByteArray());
  }
}
