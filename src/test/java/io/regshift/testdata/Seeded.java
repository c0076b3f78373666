package io.regshift.testdata;

import java.util.SplittableRandom;

/**
 * Every random choice of a generated cluster, from one seed: the same seed gives the same uids,
 * names, addresses and payloads on every run.
 */
final class Seeded {
  /** Kubernetes' utilrand alphabet: no vowels, no 0/1/3, so generated names never spell words. */
  static final String KUBE_ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final SplittableRandom random;

  Seeded(long seed) {
    this.random = new SplittableRandom(seed);
  }

  private Seeded(SplittableRandom random) {
    this.random = random;
  }

  /** An independent stream, e.g. one per namespace, so a change in one does not shift the others. */
  Seeded fork() {
    return new Seeded(random.split());
  }

  /** A random (version 4, variant 1) UUID, as {@code k8s.io/apimachinery/pkg/util/uuid.NewUUID}. */
  String uuid() {
    long hi = random.nextLong();
    long lo = random.nextLong();
    hi = (hi & ~0xF000L) | 0x4000L; // version 4
    lo = (lo & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // variant 10
    return hex(hi >>> 32, 8) + "-" + hex(hi >>> 16, 4) + "-" + hex(hi, 4) + "-" + hex(lo >>> 48, 4)
        + "-" + hex(lo, 12);
  }

  /** The suffix {@code generateName} gets: {@code utilrand.String(n)}. */
  String kubeSuffix(int n) {
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      b.append(KUBE_ALPHANUMS.charAt(random.nextInt(KUBE_ALPHANUMS.length())));
    }
    return b.toString();
  }

  String hex(int digits) {
    StringBuilder b = new StringBuilder(digits);
    for (int i = 0; i < digits; i++) {
      b.append(HEX[random.nextInt(16)]);
    }
    return b.toString();
  }

  String alnum(int n) {
    String chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      b.append(chars.charAt(random.nextInt(chars.length())));
    }
    return b.toString();
  }

  byte[] bytes(int n) {
    byte[] out = new byte[n];
    for (int i = 0; i < n; i++) {
      out[i] = (byte) random.nextInt(256);
    }
    return out;
  }

  int nextInt(int bound) {
    return random.nextInt(bound);
  }

  /** Uniform in [from, to). */
  int between(int from, int to) {
    return random.nextInt(from, to);
  }

  long nextLong() {
    return random.nextLong();
  }

  boolean chance(double p) {
    return random.nextDouble() < p;
  }

  <T> T pick(java.util.List<T> options) {
    return options.get(random.nextInt(options.size()));
  }

  private static String hex(long value, int digits) {
    char[] out = new char[digits];
    for (int i = digits - 1; i >= 0; i--) {
      out[i] = HEX[(int) (value & 0xF)];
      value >>>= 4;
    }
    return new String(out);
  }
}
