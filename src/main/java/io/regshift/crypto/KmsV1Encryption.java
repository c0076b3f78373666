package io.regshift.crypto;

/**
 * Writes values of one KMS v1 provider (deprecated in Kubernetes, still readable by it): a fresh
 * 32-byte DEK, wrapped once by the plugin's v1beta1 Encrypt; each value is
 * {@code uint16 BE length ‖ encrypted DEK ‖ AES-GCM(DEK, random nonce, AAD = etcd key)}.
 * kube-apiserver makes a DEK per write; one per run reads back the same.
 */
final class KmsV1Encryption {
  private static final int DEK = 32;

  private final ProviderConfig.Kms config;
  private final KmsPlugin plugin;
  private final byte[] dek = Randomness.bytes(DEK);
  private byte[] wrapped;

  KmsV1Encryption(ProviderConfig.Kms config, KmsPlugin plugin) {
    this.config = config;
    this.plugin = plugin;
  }

  byte[] seal(byte[] plaintext, byte[] etcdKey) throws DecryptionException {
    byte[] encryptedDek = wrapped();
    byte[] sealed = AesGcm.seal(dek, plaintext, etcdKey);
    byte[] prefix = EncryptedValue.prefix("kms", "v1", config.name());
    byte[] out = new byte[prefix.length + 2 + encryptedDek.length + sealed.length];
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    out[prefix.length] = (byte) (encryptedDek.length >> 8);
    out[prefix.length + 1] = (byte) encryptedDek.length;
    System.arraycopy(encryptedDek, 0, out, prefix.length + 2, encryptedDek.length);
    System.arraycopy(sealed, 0, out, prefix.length + 2 + encryptedDek.length, sealed.length);
    return out;
  }

  private synchronized byte[] wrapped() throws DecryptionException {
    if (wrapped == null) {
      byte[] w = plugin.encryptV1(dek);
      if (w.length == 0 || w.length > 0xffff) {
        throw new DecryptionException("the KMS plugin of provider \"" + config.name() + "\" answered Encrypt with a ciphertext of "
            + w.length + " bytes (1 to 65535 expected)");
      }
      wrapped = w;
    }
    return wrapped;
  }
}
