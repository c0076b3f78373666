package io.regshift.crypto;

import java.security.SecureRandom;

/** Fresh IVs, nonces, seeds and DEKs: one strong generator for every writer. */
final class Randomness {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Randomness() {}

  static byte[] bytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }
}
