package io.regshift.crypto;

import java.util.Arrays;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * kube-apiserver's secretbox payload: {@code nonce (24 bytes) ‖ NaCl secretbox}, the box being
 * {@code Poly1305 tag (16) ‖ XSalsa20 ciphertext}. The first 32 bytes of the XSalsa20 stream
 * are the one-time Poly1305 key; the message is XORed with the stream from byte 32 on.
 */
final class Secretbox {
  static final int NONCE = 24;
  static final int TAG = 16;

  private Secretbox() {}

  /** {@code nonce ‖ tag ‖ ciphertext} with a fresh random nonce, NaCl's crypto_secretbox. */
  static byte[] seal(byte[] key, byte[] plaintext) {
    return seal(key, Randomness.bytes(NONCE), plaintext);
  }

  /** The same with a given nonce (known-answer tests; a nonce must never be used twice with a key). */
  static byte[] seal(byte[] key, byte[] nonce, byte[] plaintext) {
    XSalsa20Engine stream = new XSalsa20Engine();
    stream.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
    byte[] macKey = new byte[32];
    stream.processBytes(new byte[32], 0, 32, macKey, 0);
    byte[] out = Arrays.copyOf(nonce, NONCE + TAG + plaintext.length);
    stream.processBytes(plaintext, 0, plaintext.length, out, NONCE + TAG);
    Poly1305 mac = new Poly1305();
    mac.init(new KeyParameter(macKey));
    mac.update(out, NONCE + TAG, plaintext.length);
    mac.doFinal(out, NONCE);
    Arrays.fill(macKey, (byte) 0);
    return out;
  }

  static byte[] open(byte[] key, byte[] payload) throws DecryptionException {
    if (payload.length < NONCE + TAG) {
      throw new DecryptionException("truncated: " + payload.length + " bytes after the prefix, fewer than the "
          + (NONCE + TAG) + " of the nonce and tag");
    }
    XSalsa20Engine stream = new XSalsa20Engine();
    stream.init(false, new ParametersWithIV(new KeyParameter(key), payload, 0, NONCE));
    byte[] macKey = new byte[32];
    stream.processBytes(new byte[32], 0, 32, macKey, 0);
    Poly1305 mac = new Poly1305();
    mac.init(new KeyParameter(macKey));
    int from = NONCE + TAG;
    int n = payload.length - from;
    mac.update(payload, from, n);
    byte[] tag = new byte[TAG];
    mac.doFinal(tag, 0);
    if (!org.bouncycastle.util.Arrays.constantTimeAreEqual(TAG, tag, 0, payload, NONCE)) {
      throw new DecryptionException("the key does not decrypt it: authentication failed (a wrong key or damaged data)");
    }
    byte[] out = new byte[n];
    stream.processBytes(payload, from, n, out, 0);
    Arrays.fill(macKey, (byte) 0);
    return out;
  }
}
