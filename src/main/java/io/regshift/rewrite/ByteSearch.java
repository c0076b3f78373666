package io.regshift.rewrite;

/**
 * One byte string to find in stored values, searched Boyer-Moore-Horspool style: the rules that
 * rule objects out by a byte search (--map-namespace, --map-registry) run it over every value of
 * the source, in both passes, so it must not look at every byte. A needle of n bytes skips up to
 * n bytes per step, which made --map-namespace's search (a byte-by-byte loop before) about a
 * quarter of a rewriting export's CPU time.
 */
final class ByteSearch {
  private final byte[] needle;
  /** Per byte value: how far the window may move when that byte ends it (needle's length if absent). */
  private final int[] shift = new int[256];

  ByteSearch(byte[] needle) {
    this.needle = needle.clone();
    java.util.Arrays.fill(shift, needle.length);
    for (int i = 0; i < needle.length - 1; i++) { // the last byte keeps the full shift
      shift[needle[i] & 0xff] = needle.length - 1 - i;
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
    return indexIn(hay, 0);
  }

  /** The first index at or after {@code from} of the needle in {@code hay}, or -1. */
  int indexIn(byte[] hay, int from) {
    int n = needle.length;
    if (n == 0) {
      return Math.min(Math.max(from, 0), hay.length);
    }
    int last = n - 1;
    byte lastByte = needle[last];
    // e: where the window ends (its last byte)
    for (int e = Math.max(from, 0) + last; e < hay.length; ) {
      byte b = hay[e];
      if (b == lastByte) {
        int start = e - last;
        int j = last - 1;
        while (j >= 0 && hay[start + j] == needle[j]) {
          j--;
        }
        if (j < 0) {
          return start;
        }
      }
      e += shift[b & 0xff];
    }
    return -1;
  }

  /** True when {@code hay} holds the needle. */
  boolean foundIn(byte[] hay) {
    return indexIn(hay) >= 0;
  }
}
