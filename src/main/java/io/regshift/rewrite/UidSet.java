package io.regshift.rewrite;

import java.util.HashSet;
import java.util.Set;

/**
 * The uids of the selected objects, 16 bytes each (two longs side by side in an open-addressing
 * table: a lookup, one of a few per object of a rewrite, touches one cache line), so that a few
 * hundred thousand objects cost a few MiB. Uids that are not UUIDs (never written by
 * kube-apiserver, but possible) go to an ordinary set. Read-only once filled: safe to share.
 */
final class UidSet {
  /** Slot i: halves at 2i and 2i + 1; both zero is an empty slot (the nil UUID is {@link #nil}). */
  private long[] table = new long[2 * 1024];
  private boolean nil;
  private int size;
  private final Set<String> other = new HashSet<>();

  void add(String uid) {
    long[] pair = parse(uid);
    if (pair == null) {
      other.add(uid);
      return;
    }
    if ((size + 1) * 4 > table.length) {
      grow();
    }
    insert(pair[0], pair[1]);
  }

  boolean contains(String uid) {
    long[] pair = parse(uid);
    if (pair == null) {
      return other.contains(uid);
    }
    return contains(pair[0], pair[1]);
  }

  /** Whether the UUID in {@code buf[off, off + len)} is in the set (only UUIDs: see {@link #hasOther}). */
  boolean containsUuid(byte[] buf, int off, int len) {
    return len == 36 && UidWindows.isUuid(buf, off) && contains(UidWindows.high(buf, off), UidWindows.low(buf, off));
  }

  /** Whether the UUID with these two halves is in the set. */
  boolean contains(long h, long l) {
    if (h == 0 && l == 0) {
      return nil;
    }
    long[] t = table;
    int mask = (t.length >> 1) - 1;
    for (int i = slot(h, l, mask); ; i = (i + 1) & mask) {
      long th = t[2 * i];
      long tl = t[2 * i + 1];
      if (th == h && tl == l) {
        return true;
      }
      if (th == 0 && tl == 0) {
        return false;
      }
    }
  }

  private static int digit(int c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
  }

  /** True when some uid is not a UUID: every string must then be looked up. */
  boolean hasOther() {
    return !other.isEmpty();
  }

  int size() {
    return size + other.size();
  }

  private void insert(long h, long l) {
    if (h == 0 && l == 0) {
      size += nil ? 0 : 1;
      nil = true;
      return;
    }
    int mask = (table.length >> 1) - 1;
    int i = slot(h, l, mask);
    while (table[2 * i] != 0 || table[2 * i + 1] != 0) {
      if (table[2 * i] == h && table[2 * i + 1] == l) {
        return;
      }
      i = (i + 1) & mask;
    }
    table[2 * i] = h;
    table[2 * i + 1] = l;
    size++;
  }

  private void grow() {
    long[] old = table;
    table = new long[old.length * 2];
    size = nil ? 1 : 0;
    for (int i = 0; i < old.length; i += 2) {
      if (old[i] != 0 || old[i + 1] != 0) {
        insert(old[i], old[i + 1]);
      }
    }
  }

  private static int slot(long h, long l, int mask) {
    long x = h * 0x9E3779B97F4A7C15L ^ l;
    x ^= x >>> 31;
    return (int) (x ^ (x >>> 29)) & mask;
  }

  /** A canonical lowercase UUID as two longs, or null for anything else. */
  static long[] parse(String s) {
    if (s.length() != 36 || s.charAt(8) != '-' || s.charAt(13) != '-' || s.charAt(18) != '-' || s.charAt(23) != '-') {
      return null;
    }
    long h = 0;
    long l = 0;
    int digits = 0;
    for (int i = 0; i < 36; i++) {
      char c = s.charAt(i);
      if (c == '-') {
        continue;
      }
      int d = digit(c);
      if (d < 0) {
        return null;
      }
      if (digits < 16) {
        h = h << 4 | d;
      } else {
        l = l << 4 | d;
      }
      digits++;
    }
    return digits == 32 ? new long[] {h, l} : null;
  }

  /** Quick test before a lookup: only 36-character strings can be uids here. */
  static boolean maybeUid(String s) {
    return s.length() == 36 && s.charAt(8) == '-';
  }
}
