package io.regshift.rewrite;

/**
 * One byte string to find in stored values: the rules that rule objects out by a byte search
 * (--map-namespace, --map-registry) run it over every value of the source, so it must not look
 * at every byte. Needles of three bytes or more are searched Wu-Manber style on the pair of bytes
 * that ends the window: text is made of few distinct bytes, and nearly every one of them is in a
 * namespace name, so a shift by one byte (Horspool) moves little, while most pairs are not in the
 * needle and move the window by its length less one. Shorter needles use Horspool's table.
 */
final class ByteSearch {
  private final byte[] needle;
  /** Per byte value (needles under three bytes): how far the window may move when that byte ends it. */
  private final int[] shift;
  /** Per pair of bytes (hi << 8 | lo) ending the window: how far it may move (three bytes or more). */
  private final int[] pairShift;

  ByteSearch(byte[] needle) {
    this.needle = needle.clone();
    int n = needle.length;
    if (n < 3) {
      shift = new int[256];
      pairShift = null;
      java.util.Arrays.fill(shift, Math.max(n, 1));
      for (int i = 0; i < n - 1; i++) { // the last byte keeps the full shift
        shift[needle[i] & 0xff] = n - 1 - i;
      }
      return;
    }
    shift = null;
    pairShift = new int[1 << 16];
    // a pair in no place of the needle: the window may move its whole length, or one less when
    // the pair's second byte could be the needle's first
    java.util.Arrays.fill(pairShift, n);
    for (int hi = 0; hi < 256; hi++) {
      pairShift[hi << 8 | needle[0] & 0xff] = n - 1;
    }
    // a pair at needle[j, j+1] (j + 1 < n - 1): move it under there; later j gives the smaller move
    for (int j = 0; j + 1 < n - 1; j++) {
      pairShift[(needle[j] & 0xff) << 8 | needle[j + 1] & 0xff] = n - 2 - j;
    }
  }

  /** True when any of {@code needles} occurs in {@code hay}. */
  static boolean anyIn(ByteSearch[] needles, byte[] hay) {
    for (ByteSearch n : needles) {
      if (n.foundIn(hay)) {
        return true;
      }
    }
    return false;
  }

  /** The first index of the needle in {@code hay}, or -1. */
  int indexIn(byte[] hay) {
    int n = needle.length;
    if (n == 0) {
      return 0;
    }
    return pairShift != null ? byPairs(hay) : bySingleBytes(hay);
  }

  private int byPairs(byte[] hay) {
    int n = needle.length;
    int last = n - 1;
    byte lastByte = needle[last];
    byte beforeLast = needle[last - 1];
    // e: where the window ends (its last byte)
    for (int e = last; e < hay.length; ) {
      byte b = hay[e];
      byte a = hay[e - 1];
      if (b == lastByte && a == beforeLast && matchesAt(hay, e - last, last - 2)) {
        return e - last;
      }
      e += pairShift[(a & 0xff) << 8 | b & 0xff];
    }
    return -1;
  }

  private int bySingleBytes(byte[] hay) {
    int last = needle.length - 1;
    byte lastByte = needle[last];
    for (int e = last; e < hay.length; ) {
      byte b = hay[e];
      if (b == lastByte && matchesAt(hay, e - last, last - 1)) {
        return e - last;
      }
      e += shift[b & 0xff];
    }
    return -1;
  }

  /** True when hay[start, start + upTo] equals needle[0, upTo]. */
  private boolean matchesAt(byte[] hay, int start, int upTo) {
    for (int j = upTo; j >= 0; j--) {
      if (hay[start + j] != needle[j]) {
        return false;
      }
    }
    return true;
  }

  /** True when {@code hay} holds the needle. */
  boolean foundIn(byte[] hay) {
    return indexIn(hay) >= 0;
  }
}
