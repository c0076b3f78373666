package io.regshift.crypto;

import java.util.List;

/**
 * Values of one KMS v1 provider (deprecated; {@code k8s:enc:kms:v1:<name>:} then
 * {@code uint16 BE length ‖ encrypted DEK ‖ data}). The plugin decrypts the DEK (or the user
 * gives candidate DEKs with --kms-key); the data is AES-GCM with the etcd key as additional data,
 * or AES-CBC for values written before Kubernetes 1.25, tried in that order as kube-apiserver does.
 */
final class KmsV1Decryption implements AutoCloseable {
  private final ProviderConfig.Kms config;
  private final List<byte[]> givenKeys;
  private final KmsPlugin plugin;
  private final DekCache deks = new DekCache();

  KmsV1Decryption(ProviderConfig.Kms config, List<byte[]> givenKeys, KmsPlugin plugin) {
    this.config = config;
    this.givenKeys = givenKeys;
    this.plugin = plugin;
  }

  byte[] open(byte[] stored, int offset, byte[] etcdKey) throws DecryptionException {
    if (stored.length - offset < 2) {
      throw new DecryptionException("truncated: no DEK length after the prefix");
    }
    int dekLength = ((stored[offset] & 0xff) << 8) | (stored[offset + 1] & 0xff);
    int dataOffset = offset + 2 + dekLength;
    if (dekLength == 0 || dataOffset > stored.length) {
      throw new DecryptionException("truncated: the encrypted DEK is said to be " + dekLength + " bytes, "
          + Math.max(0, stored.length - offset - 2) + " follow");
    }
    byte[] payload = java.util.Arrays.copyOfRange(stored, dataOffset, stored.length);
    if (!givenKeys.isEmpty()) {
      for (byte[] k : givenKeys) {
        try {
          return AesGcm.open(k, payload, 0, etcdKey);
        } catch (DecryptionException e) {
          // not this key, or not GCM
        }
      }
      for (byte[] k : givenKeys) {
        try {
          return AesCbc.open(k, payload);
        } catch (DecryptionException e) {
          // not this key
        }
      }
      throw new DecryptionException("none of the " + givenKeys.size() + " key(s) given with --kms-key " + config.name() + " decrypts it");
    }
    byte[] encryptedDek = java.util.Arrays.copyOfRange(stored, offset + 2, dataOffset);
    byte[] dek = deks.get(encryptedDek, () -> plugin.decryptV1(encryptedDek));
    try {
      return AesGcm.open(dek, payload, 0, etcdKey);
    } catch (DecryptionException gcm) {
      try {
        return AesCbc.open(dek, payload);
      } catch (DecryptionException cbc) {
        throw new DecryptionException("with the DEK from the plugin: " + gcm.getMessage());
      }
    }
  }

  @Override
  public void close() {
    if (plugin != null) {
      plugin.close();
    }
  }
}
