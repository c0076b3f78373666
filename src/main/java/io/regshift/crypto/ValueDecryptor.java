package io.regshift.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Undoes encryption at rest as kube-apiserver does on a read: the value's prefix names provider
 * and key, the configuration's providers for the value's resource (found from its etcd key)
 * must have them, and the etcd key is the additional authenticated data of aesgcm and KMS.
 * Values without a {@code k8s:enc:} prefix come back unchanged. Safe for concurrent use.
 */
public final class ValueDecryptor implements AutoCloseable {
  private final EncryptionConfig config;
  private final Function<String, GroupResource> resourceOfKey;
  private final Map<String, KmsV2Decryption> kmsV2 = new HashMap<>();
  private final Map<String, KmsV1Decryption> kmsV1 = new HashMap<>();

  /**
   * @param kmsKeys       per KMS provider name, the DEK sources (v2: seeds or DEKs) or DEKs (v1)
   *                      to use instead of asking its plugin
   * @param kmsEndpoints  per KMS provider name, a plugin socket to use instead of the configured one
   * @param resourceOfKey the resource an etcd key belongs to, which picks the providers
   */
  public ValueDecryptor(EncryptionConfig config, Map<String, List<byte[]>> kmsKeys, Map<String, String> kmsEndpoints,
      Function<String, GroupResource> resourceOfKey) {
    this.config = config;
    this.resourceOfKey = resourceOfKey;
    for (ProviderConfig.Kms k : config.kmsProviders()) {
      List<byte[]> keys = kmsKeys.getOrDefault(k.name(), List.of());
      KmsPlugin plugin = keys.isEmpty() ? new KmsPlugin(kmsEndpoints.getOrDefault(k.name(), k.endpoint()), k.timeout()) : null;
      if (k.apiVersion().equals("v2")) {
        kmsV2.put(k.name(), new KmsV2Decryption(k, keys, plugin));
      } else {
        kmsV1.put(k.name(), new KmsV1Decryption(k, keys, plugin));
      }
    }
  }

  public EncryptionConfig config() {
    return config;
  }

  /**
   * The plaintext of a stored value.
   *
   * @param etcdKey the key the value is stored under (needed: it picks the providers and is the
   *                additional data of aesgcm and KMS)
   * @throws DecryptionException with one line naming provider, key and cause
   */
  public byte[] decrypt(String etcdKey, byte[] stored) throws DecryptionException {
    Optional<EncryptedValue> parsed = EncryptedValue.parse(stored);
    if (parsed.isEmpty()) {
      return stored;
    }
    EncryptedValue prefix = parsed.get();
    if (prefix.isMalformed()) {
      throw new DecryptionException(prefix.describe());
    }
    if (etcdKey == null) {
      throw new DecryptionException(prefix.describe() + ": decrypting it needs the etcd key it is stored under (--key)");
    }
    GroupResource resource = resourceOfKey.apply(etcdKey);
    byte[] aad = etcdKey.getBytes(StandardCharsets.UTF_8);
    for (ProviderConfig p : config.providersFor(resource)) {
      int key = p.keyIndex(prefix);
      if (key < 0) {
        continue;
      }
      try {
        if (p instanceof ProviderConfig.Keyed keyed) {
          byte[] payload = Arrays.copyOfRange(stored, prefix.payloadOffset(), stored.length);
          return keyed.provider().open(keyed.keys().get(key).secret(), payload, aad);
        }
        ProviderConfig.Kms kms = (ProviderConfig.Kms) p;
        return kms.apiVersion().equals("v2")
            ? kmsV2.get(kms.name()).open(stored, prefix.payloadOffset(), aad)
            : kmsV1.get(kms.name()).open(stored, prefix.payloadOffset(), aad);
      } catch (DecryptionException e) {
        throw new DecryptionException(prefix.describe() + ": " + e.getMessage());
      }
    }
    throw new DecryptionException(prefix.describe() + (config.hasKey(prefix)
        ? ", which the encryption config has for other resources but not for " + resource
        : ", which the encryption config does not have"));
  }

  @Override
  public void close() {
    kmsV2.values().forEach(KmsV2Decryption::close);
    kmsV1.values().forEach(KmsV1Decryption::close);
  }
}
