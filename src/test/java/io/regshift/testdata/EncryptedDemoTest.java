package io.regshift.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regshift.crypto.EncryptionConfig;
import io.regshift.crypto.GroupResource;
import io.regshift.crypto.ValueDecryptor;
import io.regshift.etcd.EntryReader;
import io.regshift.etcd.KeyRange;
import io.regshift.etcd.MvccEntry;
import io.regshift.etcd.ReadView;
import io.regshift.kube.RegistryKeys;
import io.regshift.kube.ResourceCatalog;
import io.regshift.kube.StoredValue;
import io.regshift.kube.ValueCodec;
import io.regshift.source.Source;
import io.regshift.source.Sources;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * test-data/encrypted/cluster.db holds what MakeEncryptedDemo says: every live object of the
 * demo cluster, the same once decrypted with test-data/encrypted/encryption-config.yaml, Secrets
 * and ConfigMaps stored encrypted as documented (one Secret plaintext, one under the old key).
 */
class EncryptedDemoTest {
  static final Path DEMO = Path.of("test-data/demo-cluster.db");
  static final Path ENCRYPTED = Path.of("test-data/encrypted/cluster.db");
  static final Path CONFIG = Path.of("test-data/encrypted/encryption-config.yaml");

  @Test
  void decryptedItIsTheDemoClustersLiveState() {
    EncryptionConfig config = EncryptionConfig.read(CONFIG);
    Map<String, MvccEntry> demo = live(DEMO);
    Map<String, MvccEntry> encrypted = live(ENCRYPTED);
    assertEquals(demo.keySet(), encrypted.keySet());
    Map<String, Integer> storedAs = new TreeMap<>();
    try (ValueDecryptor d = new ValueDecryptor(config, Map.of(), Map.of(),
        k -> GroupResource.parse(RegistryKeys.parse(k, "/registry", ResourceCatalog.builtin()).groupResource()))) {
      ValueCodec codec = ValueCodec.builtin().withDecryptor(d);
      for (String key : demo.keySet()) {
        StoredValue plain = ValueCodec.builtin().decode(key, demo.get(key).value(), false);
        StoredValue decrypted = codec.decode(key, encrypted.get(key).value(), false);
        assertTrue(decrypted.ok(), key + ": " + decrypted.error());
        assertEquals(plain.object(), decrypted.object(), key);
        String resource = RegistryKeys.parse(key, "/registry", ResourceCatalog.builtin()).groupResource();
        storedAs.merge(resource.equals("secrets") || resource.equals("configmaps") ? resource + " " + decrypted.storedAs() : "other "
            + (decrypted.encryption() == null ? "plaintext" : "encrypted"), 1, Integer::sum);
      }
    }
    assertEquals(Map.of("configmaps encrypted:secretbox:v1:box1", 13, "secrets protobuf", 1, "secrets encrypted:aesgcm:v1:key1", 1,
        "secrets encrypted:aesgcm:v1:key2", 2, "other plaintext", 167), storedAs);
  }

  private static Map<String, MvccEntry> live(Path file) {
    Map<String, MvccEntry> out = new TreeMap<>();
    try (Source s = Sources.open(file.toString());
         EntryReader r = s.read(ReadView.latest(), KeyRange.prefix("/registry/"), k -> true)) {
      for (MvccEntry e = r.next(); e != null; e = r.next()) {
        out.put(e.keyString(), e);
      }
    }
    return out;
  }
}
