package io.regshift.rewrite;

/**
 * One byte string to find in stored values: the rules that rule objects out by a byte search
 * (--map-namespace, --map-registry) run it over every value of the source, in both passes, so it
 * must not look at each byte on its own. Needles of two bytes or more are searched eight window
 * positions at a time by their first and last bytes (about three times faster than the
 * Boyer-Moore-Horspool shift table kept for one-byte needles, which in turn was about four times
 * faster than the byte-by-byte loop before it).
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
    if (n >= 2) {
      return pairIndexIn(hay, Math.max(from, 0));
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

  private static final java.lang.invoke.VarHandle LONGS = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
      long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
  private static final long LOW7 = 0x7f7f7f7f7f7f7f7fL;

  /**
   * Eight window positions at a time: the window's first byte, its last and the one before,
   * each compared for the eight positions with one word (together they are rare in text: "t...01"
   * for team-00001, where the shift table above met 'e', '0' and '-' all the time); only a
   * position where all three match is compared whole.
   */
  private int pairIndexIn(byte[] hay, int from) {
    int n = needle.length;
    long first = (needle[0] & 0xffL) * 0x0101010101010101L;
    long last = (needle[n - 1] & 0xffL) * 0x0101010101010101L;
    // and the byte before the last (the first again for two bytes): namespace names share their
    // start ("team-0"), and a tenth of them their last digit
    int m = Math.max(n - 2, 0);
    long before = (needle[m] & 0xffL) * 0x0101010101010101L;
    int i = from;
    // sixteen positions a turn, as two independent words: half again as fast as eight (the CPU
    // works on both at once)
    for (; i + n - 1 + 16 <= hay.length; i += 16) {
      long x = ((long) LONGS.get(hay, i) ^ first) | ((long) LONGS.get(hay, i + n - 1) ^ last)
          | ((long) LONGS.get(hay, i + m) ^ before);
      long y = ((long) LONGS.get(hay, i + 8) ^ first) | ((long) LONGS.get(hay, i + 8 + n - 1) ^ last)
          | ((long) LONGS.get(hay, i + 8 + m) ^ before);
      long zeroX = ~(((x & LOW7) + LOW7) | x | LOW7);
      long zeroY = ~(((y & LOW7) + LOW7) | y | LOW7);
      if ((zeroX | zeroY) != 0) {
        int at = candidates(hay, i, zeroX);
        if (at >= 0) {
          return at;
        }
        at = candidates(hay, i + 8, zeroY);
        if (at >= 0) {
          return at;
        }
      }
    }
    for (; i + n - 1 + 8 <= hay.length; i += 8) {
      long x = ((long) LONGS.get(hay, i) ^ first) | ((long) LONGS.get(hay, i + n - 1) ^ last)
          | ((long) LONGS.get(hay, i + m) ^ before);
      // a high bit for each byte of x that is zero, exactly (no borrow between bytes)
      long zero = ~(((x & LOW7) + LOW7) | x | LOW7);
      while (zero != 0) {
        int at = i + (Long.numberOfTrailingZeros(zero) >>> 3);
        if (java.util.Arrays.equals(hay, at, at + n, needle, 0, n)) {
          return at;
        }
        zero &= zero - 1;
      }
    }
    for (; i + n <= hay.length; i++) {
      if (hay[i] == needle[0] && java.util.Arrays.equals(hay, i, i + n, needle, 0, n)) {
        return i;
      }
    }
    return -1;
  }

  /** The first of the window positions {@code at + k} flagged in {@code zero}'s byte k that holds the needle, or -1. */
  private int candidates(byte[] hay, int at, long zero) {
    int n = needle.length;
    while (zero != 0) {
      int p = at + (Long.numberOfTrailingZeros(zero) >>> 3);
      if (java.util.Arrays.equals(hay, p, p + n, needle, 0, n)) {
        return p;
      }
      zero &= zero - 1;
    }
    return -1;
  }

  /** True when {@code hay} holds the needle. */
  boolean foundIn(byte[] hay) {
    return indexIn(hay) >= 0;
  }
}
