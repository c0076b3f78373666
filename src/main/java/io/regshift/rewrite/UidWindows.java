package io.regshift.rewrite;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Finds the UUIDs in bytes: every 36-byte window shaped as a lowercase canonical UUID (hex, with
 * dashes at 8, 13, 18 and 23), in one pass that looks eight bytes at a time for the dashes. One
 * pass finds every uid of an object, where a search per uid made a pass each.
 */
final class UidWindows {
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  private static final long DASHES = 0x2d2d2d2d2d2d2d2dL;

  private UidWindows() {}

  /** The start of the first UUID-shaped window in {@code b[from, to)}, or -1. */
  static int next(byte[] b, int from, int to) {
    int q = from + 8; // the first dash of a window starting at or after from
    while (q + 28 <= to) {
      if (q + 8 <= to) {
        long w = (long) LONGS.get(b, q) ^ DASHES;
        long zero = (w - ONES) & ~w & HIGHS; // its lowest bit marks the first dash among the eight
        if (zero == 0) {
          q += 8;
          continue;
        }
        q += Long.numberOfTrailingZeros(zero) >>> 3;
        if (q + 28 > to) {
          return -1;
        }
      } else if (b[q] != '-') {
        q++;
        continue;
      }
      if (isUuid(b, q - 8)) {
        return q - 8;
      }
      q++;
    }
    return -1;
  }

  /** The first 16 hex digits of the UUID at {@code at} (where {@link #isUuid} holds). */
  static long high(byte[] b, int at) {
    long h = 0;
    for (int i = at; i < at + 18; i++) {
      if (i != at + 8 && i != at + 13) {
        h = h << 4 | digit(b[i]);
      }
    }
    return h;
  }

  /** The last 16 hex digits of the UUID at {@code at}. */
  static long low(byte[] b, int at) {
    long l = 0;
    for (int i = at + 19; i < at + 36; i++) {
      if (i != at + 23) {
        l = l << 4 | digit(b[i]);
      }
    }
    return l;
  }

  /** Whether the 36 bytes at {@code at} (all within {@code b}) are a lowercase canonical UUID. */
  static boolean isUuid(byte[] b, int at) {
    if (b[at + 8] != '-' || b[at + 13] != '-' || b[at + 18] != '-' || b[at + 23] != '-') {
      return false;
    }
    for (int i = at; i < at + 36; i++) {
      if (i != at + 8 && i != at + 13 && i != at + 18 && i != at + 23 && digit(b[i]) < 0) {
        return false;
      }
    }
    return true;
  }

  private static int digit(int c) {
    return HEX[c & 0xff];
  }

  /** Each byte's value as a lowercase hex digit, -1 for anything else. */
  private static final byte[] HEX = new byte[256];

  static {
    java.util.Arrays.fill(HEX, (byte) -1);
    for (int c = '0'; c <= '9'; c++) {
      HEX[c] = (byte) (c - '0');
    }
    for (int c = 'a'; c <= 'f'; c++) {
      HEX[c] = (byte) (c - 'a' + 10);
    }
  }
}
