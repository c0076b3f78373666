package io.regshift.crypto;

import java.util.Arrays;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.CBCBlockCipher;
import org.bouncycastle.crypto.modes.CBCModeCipher;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * kube-apiserver's aescbc payload: {@code IV (16 bytes) ‖ AES-CBC(PKCS#7-padded plaintext)}.
 * There is no MAC: a wrong key shows only as bad padding, or (1 time in ~256) as garbage.
 */
final class AesCbc {
  static final int BLOCK = 16;

  private AesCbc() {}

  /** AES takes 16, 24 or 32 bytes; a KMS plugin could hand back anything. */
  static void checkKey(byte[] key) throws DecryptionException {
    if (key.length != 16 && key.length != 24 && key.length != 32) {
      throw new DecryptionException("the key is " + key.length + " bytes, not an AES key (16, 24 or 32)");
    }
  }

  /** {@code IV ‖ ciphertext} of the plaintext, with a fresh random IV, as kube-apiserver writes it. */
  static byte[] seal(byte[] key, byte[] plaintext) {
    return seal(key, Randomness.bytes(BLOCK), plaintext);
  }

  /** The same with a given IV (known-answer tests). */
  static byte[] seal(byte[] key, byte[] iv, byte[] plaintext) {
    int pad = BLOCK - plaintext.length % BLOCK; // 1..16: always some padding, as PKCS#7 asks
    byte[] padded = Arrays.copyOf(plaintext, plaintext.length + pad);
    Arrays.fill(padded, plaintext.length, padded.length, (byte) pad);
    CBCModeCipher cbc = CBCBlockCipher.newInstance(AESEngine.newInstance());
    cbc.init(true, new ParametersWithIV(new KeyParameter(key), iv));
    byte[] out = Arrays.copyOf(iv, BLOCK + padded.length);
    for (int off = 0; off < padded.length; off += BLOCK) {
      cbc.processBlock(padded, off, out, BLOCK + off);
    }
    return out;
  }

  static byte[] open(byte[] key, byte[] payload) throws DecryptionException {
    checkKey(key);
    if (payload.length < BLOCK) {
      throw new DecryptionException("truncated: " + payload.length + " bytes after the prefix, fewer than the 16-byte IV");
    }
    int n = payload.length - BLOCK;
    if (n == 0 || n % BLOCK != 0) {
      throw new DecryptionException("truncated or corrupted: " + n
          + " bytes of ciphertext after the IV, not a whole number of 16-byte blocks");
    }
    CBCModeCipher cbc = CBCBlockCipher.newInstance(AESEngine.newInstance());
    cbc.init(false, new ParametersWithIV(new KeyParameter(key), payload, 0, BLOCK));
    byte[] out = new byte[n];
    for (int off = 0; off < n; off += BLOCK) {
      cbc.processBlock(payload, BLOCK + off, out, off);
    }
    // kube-apiserver's check: padding 1..len bytes, all equal to the padding length
    int pad = out[n - 1] & 0xff;
    boolean ok = pad != 0 && pad <= n;
    for (int i = n - pad; ok && i < n; i++) {
      ok = (out[i] & 0xff) == pad;
    }
    if (!ok) {
      throw new DecryptionException("the key does not decrypt it: no valid PKCS#7 padding"
          + " (a wrong key or damaged data; aescbc has no integrity check)");
    }
    return Arrays.copyOf(out, n - pad);
  }
}
