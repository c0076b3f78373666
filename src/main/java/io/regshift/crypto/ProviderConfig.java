package io.regshift.crypto;

import java.time.Duration;
import java.util.List;

/** One entry of a resource rule's {@code providers} list. */
public sealed interface ProviderConfig {

  /**
   * Which of this provider's keys wrote a value with this prefix: 0 is the key it writes with
   * now, a higher index an older key; -1 when the value is not this provider's.
   */
  int keyIndex(EncryptedValue prefix);

  /** A named secret of aescbc, aesgcm or secretbox. */
  record NamedKey(String name, byte[] secret) {
    @Override
    public String toString() {
      return name; // never the secret
    }
  }

  /** aescbc, aesgcm or secretbox with their keys, the first being the one writes use. */
  record Keyed(KeyedProvider provider, List<NamedKey> keys) implements ProviderConfig {
    @Override
    public int keyIndex(EncryptedValue prefix) {
      if (!provider.word().equals(prefix.provider()) || !"v1".equals(prefix.version())) {
        return -1;
      }
      for (int i = 0; i < keys.size(); i++) {
        if (keys.get(i).name().equals(prefix.keyName())) {
          return i;
        }
      }
      return -1;
    }
  }

  /**
   * A KMS plugin. Its name is the key name in the prefix ({@code k8s:enc:kms:v2:<name>:}).
   *
   * @param apiVersion "v1" or "v2"
   * @param endpoint   the plugin's gRPC socket, {@code unix:///path}
   */
  record Kms(String apiVersion, String name, String endpoint, Duration timeout) implements ProviderConfig {
    @Override
    public int keyIndex(EncryptedValue prefix) {
      return "kms".equals(prefix.provider()) && apiVersion.equals(prefix.version()) && name.equals(prefix.keyName()) ? 0 : -1;
    }
  }

  /** Plaintext: reads values without a {@code k8s:enc:} prefix, writes them unencrypted. */
  record Identity() implements ProviderConfig {
    @Override
    public int keyIndex(EncryptedValue prefix) {
      return -1;
    }
  }
}
