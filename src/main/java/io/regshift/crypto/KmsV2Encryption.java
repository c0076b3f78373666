package io.regshift.crypto;

import com.google.protobuf.ByteString;
import io.regshift.crypto.proto.KmsEnvelopeV2Proto.EncryptedDEKSourceType;
import io.regshift.crypto.proto.KmsEnvelopeV2Proto.EncryptedObject;
import io.regshift.crypto.proto.KmsPluginV2Proto.EncryptResponse;

/**
 * Writes values of one KMS v2 provider as kube-apiserver 1.29+ does: a fresh 32-byte seed,
 * wrapped once by the plugin's Encrypt (the first time a value needs it); each value gets a key
 * derived from the seed with 32 random bytes of info (HKDF-SHA256, expand only) and AES-GCM with
 * a random nonce and the etcd key as additional data, in an EncryptedObject of type
 * HKDF_SHA256_XNONCE_AES_GCM_SEED.
 */
final class KmsV2Encryption {
  private static final int SEED = 32;

  private final ProviderConfig.Kms config;
  private final KmsPlugin plugin;
  private final byte[] seed = Randomness.bytes(SEED);
  private EncryptResponse wrapped;

  KmsV2Encryption(ProviderConfig.Kms config, KmsPlugin plugin) {
    this.config = config;
    this.plugin = plugin;
  }

  byte[] seal(byte[] plaintext, byte[] etcdKey) throws DecryptionException {
    EncryptResponse w = wrapped();
    byte[] info = Randomness.bytes(KmsV2Decryption.INFO);
    byte[] sealed = AesGcm.seal(KmsV2Decryption.derivedKey(seed, info), plaintext, etcdKey);
    byte[] data = new byte[info.length + sealed.length];
    System.arraycopy(info, 0, data, 0, info.length);
    System.arraycopy(sealed, 0, data, info.length, sealed.length);
    EncryptedObject o = EncryptedObject.newBuilder()
        .setEncryptedData(ByteString.copyFrom(data))
        .setKeyID(w.getKeyId())
        .setEncryptedDEKSource(w.getCiphertext())
        .putAllAnnotations(w.getAnnotationsMap())
        .setEncryptedDEKSourceType(EncryptedDEKSourceType.HKDF_SHA256_XNONCE_AES_GCM_SEED)
        .build();
    byte[] prefix = EncryptedValue.prefix("kms", "v2", config.name());
    byte[] body = o.toByteArray();
    byte[] out = java.util.Arrays.copyOf(prefix, prefix.length + body.length);
    System.arraycopy(body, 0, out, prefix.length, body.length);
    return out;
  }

  /** The plugin's answer for the seed, checked as kube-apiserver checks it before it writes. */
  private synchronized EncryptResponse wrapped() throws DecryptionException {
    if (wrapped == null) {
      EncryptResponse r = plugin.encryptV2(seed);
      int keyId = r.getKeyIdBytes().size();
      if (keyId == 0 || keyId > 1024) {
        throw new DecryptionException("the KMS plugin of provider \"" + config.name() + "\" answered Encrypt with a key ID of "
            + keyId + " bytes (1 to 1024 expected)");
      }
      if (r.getCiphertext().isEmpty() || r.getCiphertext().size() > 1024) {
        throw new DecryptionException("the KMS plugin of provider \"" + config.name() + "\" answered Encrypt with a ciphertext of "
            + r.getCiphertext().size() + " bytes (1 to 1024 expected)");
      }
      wrapped = r;
    }
    return wrapped;
  }
}
