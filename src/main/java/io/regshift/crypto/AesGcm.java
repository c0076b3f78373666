package io.regshift.crypto;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * AES-GCM as kube-apiserver writes it (aesgcm, and the data of KMS v1/v2):
 * {@code nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes)}, with the value's etcd key as
 * additional authenticated data, so a value copied under another key does not open.
 */
final class AesGcm {
  static final int NONCE = 12;
  static final int TAG = 16;

  private AesGcm() {}

  /**
   * {@code nonce ‖ ciphertext ‖ tag} with a fresh random nonce (kube-apiserver's aesgcm, and the
   * data of KMS v1 and v2) and the etcd key as additional data.
   */
  static byte[] seal(byte[] key, byte[] plaintext, byte[] aad) {
    return seal(key, Randomness.bytes(NONCE), plaintext, aad);
  }

  /** The same with a given nonce (known-answer tests; a nonce must never be used twice with a key). */
  static byte[] seal(byte[] key, byte[] nonce, byte[] plaintext, byte[] aad) {
    GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
    gcm.init(true, new AEADParameters(new KeyParameter(key), TAG * 8, nonce, aad));
    byte[] out = java.util.Arrays.copyOf(nonce, NONCE + gcm.getOutputSize(plaintext.length));
    int n = gcm.processBytes(plaintext, 0, plaintext.length, out, NONCE);
    try {
      gcm.doFinal(out, NONCE + n);
    } catch (InvalidCipherTextException e) {
      throw new IllegalStateException("AES-GCM encryption cannot fail", e);
    }
    return out;
  }

  static byte[] open(byte[] key, byte[] payload, int offset, byte[] aad) throws DecryptionException {
    AesCbc.checkKey(key);
    int length = payload.length - offset;
    if (length < NONCE + TAG) {
      throw new DecryptionException("truncated: " + length + " bytes of ciphertext, fewer than the "
          + (NONCE + TAG) + " of the nonce and tag");
    }
    GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
    byte[] nonce = java.util.Arrays.copyOfRange(payload, offset, offset + NONCE);
    gcm.init(false, new AEADParameters(new KeyParameter(key), TAG * 8, nonce, aad));
    byte[] out = new byte[gcm.getOutputSize(length - NONCE)];
    try {
      int n = gcm.processBytes(payload, offset + NONCE, length - NONCE, out, 0);
      n += gcm.doFinal(out, n);
      return n == out.length ? out : java.util.Arrays.copyOf(out, n);
    } catch (InvalidCipherTextException e) {
      throw new DecryptionException("the key does not decrypt it: authentication failed"
          + " (a wrong key, damaged data, or a value copied from another etcd key)");
    }
  }
}
