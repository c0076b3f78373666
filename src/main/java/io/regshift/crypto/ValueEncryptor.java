package io.regshift.crypto;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Encryption at rest as kube-apiserver does it on a write: the first provider for the value's
 * resource (found from its etcd key), with its first key, a fresh IV or nonce each time, and the
 * etcd key as the additional data of aesgcm and KMS. identity (and a resource no rule names)
 * writes the plaintext. KMS providers ask their plugin to wrap a fresh DEK source once per run.
 * Safe for concurrent use.
 */
public final class ValueEncryptor implements AutoCloseable {
  private final EncryptionConfig config;
  private final Function<String, GroupResource> resourceOfKey;
  private final Map<String, KmsV2Encryption> kmsV2 = new HashMap<>();
  private final Map<String, KmsV1Encryption> kmsV1 = new HashMap<>();
  private final Map<String, KmsPlugin> plugins = new HashMap<>();

  /**
   * @param kmsEndpoints  per KMS provider name, a plugin socket to use instead of the configured one
   * @param resourceOfKey the resource an etcd key belongs to, which picks the provider
   */
  public ValueEncryptor(EncryptionConfig config, Map<String, String> kmsEndpoints, Function<String, GroupResource> resourceOfKey) {
    this.config = config;
    this.resourceOfKey = resourceOfKey;
    for (ProviderConfig.Kms k : config.kmsProviders()) {
      KmsPlugin plugin = new KmsPlugin(kmsEndpoints.getOrDefault(k.name(), k.endpoint()), k.timeout());
      plugins.put(k.apiVersion() + ":" + k.name(), plugin);
      if (k.apiVersion().equals("v2")) {
        kmsV2.put(k.name(), new KmsV2Encryption(k, plugin));
      } else {
        kmsV1.put(k.name(), new KmsV1Encryption(k, plugin));
      }
    }
  }

  public EncryptionConfig config() {
    return config;
  }

  /**
   * How values stored under this key are written: {@code aesgcm:v1:key1}, {@code kms:v2:vault},
   * or {@code plaintext}.
   */
  public String writes(String etcdKey) {
    return label(config.providersFor(resourceOfKey.apply(etcdKey)).get(0));
  }

  /**
   * The bytes kube-apiserver would store for this plaintext under {@code etcdKey}.
   *
   * @throws EncryptionException when a KMS plugin cannot be reached or refuses
   */
  public byte[] encrypt(String etcdKey, byte[] plaintext) throws EncryptionException {
    return seal(config.providersFor(resourceOfKey.apply(etcdKey)).get(0), 0, etcdKey, plaintext);
  }

  /**
   * The plaintext encrypted again with the provider and key named by {@code form} (a value read
   * from the source), for a value that must move to another etcd key in the form it was read.
   *
   * @throws EncryptionException when the configuration does not have that provider and key
   */
  public byte[] encryptLike(EncryptedValue form, String etcdKey, byte[] plaintext) throws EncryptionException {
    if (form.isMalformed()) {
      throw new EncryptionException(form.describe());
    }
    List<ProviderConfig> own = config.providersFor(resourceOfKey.apply(etcdKey));
    for (List<ProviderConfig> ps : List.of(own, config.allProviders())) {
      for (ProviderConfig p : ps) {
        int key = p.keyIndex(form);
        if (key >= 0) {
          return seal(p, key, etcdKey, plaintext);
        }
      }
    }
    throw new EncryptionException(form.describe() + ", which " + config.source() + " does not have");
  }

  private byte[] seal(ProviderConfig p, int key, String etcdKey, byte[] plaintext) throws EncryptionException {
    byte[] aad = etcdKey.getBytes(StandardCharsets.UTF_8);
    try {
      if (p instanceof ProviderConfig.Keyed keyed) {
        ProviderConfig.NamedKey k = keyed.keys().get(key);
        byte[] prefix = EncryptedValue.prefix(keyed.provider().word(), "v1", k.name());
        byte[] payload = keyed.provider().seal(k.secret(), plaintext, aad);
        byte[] out = java.util.Arrays.copyOf(prefix, prefix.length + payload.length);
        System.arraycopy(payload, 0, out, prefix.length, payload.length);
        return out;
      }
      if (p instanceof ProviderConfig.Kms kms) {
        return kms.apiVersion().equals("v2") ? kmsV2.get(kms.name()).seal(plaintext, aad) : kmsV1.get(kms.name()).seal(plaintext, aad);
      }
      return plaintext;
    } catch (DecryptionException e) {
      throw new EncryptionException("encrypting with " + label(p) + ": " + e.getMessage());
    }
  }

  /** What a provider writes, as ls and stats show stored forms. */
  static String label(ProviderConfig p) {
    if (p instanceof ProviderConfig.Keyed keyed) {
      return keyed.provider().word() + ":v1:" + keyed.keys().get(0).name();
    }
    if (p instanceof ProviderConfig.Kms kms) {
      return "kms:" + kms.apiVersion() + ":" + kms.name();
    }
    return "plaintext";
  }

  @Override
  public void close() {
    plugins.values().forEach(KmsPlugin::close);
  }
}
