package io.regshift.crypto;

import com.google.protobuf.InvalidProtocolBufferException;
import io.regshift.crypto.proto.KmsEnvelopeV2Proto.EncryptedDEKSourceType;
import io.regshift.crypto.proto.KmsEnvelopeV2Proto.EncryptedObject;
import java.nio.ByteBuffer;
import java.util.List;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * Values of one KMS v2 provider ({@code k8s:enc:kms:v2:<name>:} then a protobuf
 * EncryptedObject). The DEK source comes from the plugin's Decrypt, or from keys the user gives
 * (--kms-key); then either it is the AES-GCM key itself (type AES_GCM_KEY) or a seed from which
 * each value's key is derived: HKDF-SHA256, expand only, info = the first 32 bytes of the
 * encrypted data (type HKDF_SHA256_XNONCE_AES_GCM_SEED, what kube-apiserver writes since 1.29).
 * The GCM additional data is the etcd key.
 */
final class KmsV2Decryption implements AutoCloseable {
  static final int INFO = 32;
  private static final int MAX_FIELD = 1024;
  private static final int MAX_ANNOTATIONS = 32 * 1024;

  private final ProviderConfig.Kms config;
  private final List<byte[]> givenKeys;
  private final KmsPlugin plugin;
  private final DekCache sources = new DekCache();

  /**
   * @param givenKeys DEK sources to try instead of asking the plugin (empty: ask the plugin)
   * @param plugin    the plugin, or null when keys are given
   */
  KmsV2Decryption(ProviderConfig.Kms config, List<byte[]> givenKeys, KmsPlugin plugin) {
    this.config = config;
    this.givenKeys = givenKeys;
    this.plugin = plugin;
  }

  byte[] open(byte[] stored, int offset, byte[] etcdKey) throws DecryptionException {
    EncryptedObject o = parse(stored, offset);
    if (!givenKeys.isEmpty()) {
      for (byte[] k : givenKeys) {
        try {
          return openWith(o, k, etcdKey);
        } catch (DecryptionException e) {
          // GCM authenticates: a key that does not fit fails cleanly, try the next one
        }
      }
      throw new DecryptionException("none of the " + givenKeys.size() + " key(s) given with --kms-key " + config.name()
          + " decrypts it (its DEK source is encrypted with KMS key ID \"" + o.getKeyID() + "\")");
    }
    byte[] source = sources.get(o.getEncryptedDEKSource().toByteArray(),
        () -> plugin.decryptV2(o.getEncryptedDEKSource(), o.getKeyID(), o.getAnnotationsMap()));
    try {
      return openWith(o, source, etcdKey);
    } catch (DecryptionException e) {
      throw new DecryptionException("with the DEK source from the plugin: " + e.getMessage());
    }
  }

  /** Checks what kube-apiserver's ValidateEncryptedObject checks. */
  static EncryptedObject parse(byte[] stored, int offset) throws DecryptionException {
    EncryptedObject o;
    try {
      o = EncryptedObject.parseFrom(ByteBuffer.wrap(stored, offset, stored.length - offset));
    } catch (InvalidProtocolBufferException e) {
      throw new DecryptionException("the KMS v2 EncryptedObject does not parse (truncated or damaged): " + e.getMessage());
    }
    if (o.getEncryptedData().isEmpty()) {
      throw new DecryptionException("the KMS v2 EncryptedObject has no encrypted data");
    }
    if (o.getEncryptedDEKSource().isEmpty() || o.getEncryptedDEKSource().size() > MAX_FIELD) {
      throw new DecryptionException("the KMS v2 EncryptedObject's encrypted DEK source is "
          + o.getEncryptedDEKSource().size() + " bytes (1 to 1024 expected)");
    }
    int keyIdBytes = o.getKeyIDBytes().size();
    if (keyIdBytes == 0 || keyIdBytes > MAX_FIELD) {
      throw new DecryptionException("the KMS v2 EncryptedObject's key ID is " + keyIdBytes + " bytes (1 to 1024 expected)");
    }
    long annotations = o.getAnnotationsMap().entrySet().stream().mapToLong(e -> e.getKey().length() + e.getValue().size()).sum();
    if (annotations > MAX_ANNOTATIONS) {
      throw new DecryptionException("the KMS v2 EncryptedObject's annotations are " + annotations + " bytes (at most 32 KiB)");
    }
    return o;
  }

  static byte[] openWith(EncryptedObject o, byte[] source, byte[] etcdKey) throws DecryptionException {
    byte[] data = o.getEncryptedData().toByteArray();
    if (o.getEncryptedDEKSourceType() == EncryptedDEKSourceType.HKDF_SHA256_XNONCE_AES_GCM_SEED) {
      if (source.length < 32) {
        throw new DecryptionException("the seed is " + source.length + " bytes, fewer than 32");
      }
      if (data.length < INFO) {
        throw new DecryptionException("truncated: " + data.length + " bytes of encrypted data, fewer than the 32-byte KDF info");
      }
      return AesGcm.open(derivedKey(source, java.util.Arrays.copyOf(data, INFO)), data, INFO, etcdKey);
    }
    if (o.getEncryptedDEKSourceType() == EncryptedDEKSourceType.AES_GCM_KEY) {
      if (source.length != 16 && source.length != 24 && source.length != 32) {
        throw new DecryptionException("the DEK is " + source.length + " bytes, not an AES key");
      }
      return AesGcm.open(source, data, 0, etcdKey);
    }
    throw new DecryptionException("unknown KMS v2 DEK source type " + o.getEncryptedDEKSourceTypeValue());
  }

  /** HKDF-Expand(SHA-256, seed, info) to 32 bytes: no extract step, as kube-apiserver derives it. */
  static byte[] derivedKey(byte[] seed, byte[] info) {
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
    hkdf.init(HKDFParameters.skipExtractParameters(seed, info));
    byte[] key = new byte[32];
    hkdf.generateBytes(key, 0, key.length);
    return key;
  }

  @Override
  public void close() {
    if (plugin != null) {
      plugin.close();
    }
  }
}
