package io.regshift.rewrite;

import io.regshift.kube.Encoding;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The stored bytes of an object whose only changes are --new-uids' replacements, patched in place
 * instead of encoding the changed tree again (the encode was a third of the CPU of a snapshot
 * rewrite with --new-uids, which changes every object). A new uid has its old one's 36 bytes, so
 * no protobuf length moves, and everything else keeps its stored bytes by construction.
 *
 * <p>Used only where it gives what encoding gives: every change replaces a uid by a uid (a string
 * value, or inside a managedFields key), and each old uid occurs in the bytes exactly as many times
 * as the changes replaced it. Each replaced string is a run of the stored bytes (protobuf keeps
 * strings as they are, and the JSON inside, managedFields, has no escape that could hide a uid once
 * a backslash-u is ruled out), so equal counts mean the bytes hold no other occurrence: not in user
 * data the walk leaves alone, not inside a longer string. Anything else gives null, and the tree is
 * encoded.
 *
 * <p>For a value as Go writes it (fields in number order, map entries sorted by key: every value
 * kube-apiserver stores), the patched bytes are those of encoding the changed tree. A value written
 * in some other order keeps it: the patch changes the uids and nothing else, where encoding would
 * sort the fields.
 */
final class UidPatch {
  private static final java.lang.invoke.VarHandle LONGS = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
      long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
  private static final long BACKSLASHES = 0x5c5c5c5c5c5c5c5cL;
  private static final long US = 0x7575757575757575L;
  private static final long LOW7 = 0x7f7f7f7f7f7f7f7fL;

  private UidPatch() {}

  /**
   * @param stored  the value's plaintext as stored (the bytes the tree was decoded from)
   * @param changes every change the rules made to the object, notes included
   * @return the patched bytes, or null when the tree must be encoded
   */
  static byte[] apply(byte[] stored, List<Change> changes) {
    return apply(stored, changes, true);
  }

  /** @param checkEscapes false when the caller has made sure the bytes hold no backslash-u */
  static byte[] apply(byte[] stored, List<Change> changes, boolean checkEscapes) {
    if (Encoding.sniff(stored) != Encoding.PROTOBUF) {
      return null;
    }
    Map<String, String> newByOld = new HashMap<>();
    Map<String, Integer> replaced = new HashMap<>();
    for (Change c : changes) {
      if (c.oldValue() == c.newValue()) {
        continue; // a note (a reference kept): nothing changed
      }
      if (!NewUidsRule.NAME.equals(c.rule()) || !(c.oldValue() instanceof String old) || !(c.newValue() instanceof String now)
          || old.length() != now.length()) {
        return null;
      }
      if (c.path().endsWith(" (key)")) {
        if (!keyUids(old, now, newByOld, replaced)) {
          return null;
        }
      } else if (!uid(old, now, newByOld, replaced)) {
        return null;
      }
    }
    if (replaced.isEmpty() || checkEscapes && hasJsonEscape(stored)) {
      return null;
    }
    byte[] out = patchInOnePass(stored, newByOld, replaced);
    return out != OVERLAP ? out : patchEachUid(stored, newByOld, replaced);
  }

  private static final byte[] OVERLAP = new byte[0];

  /**
   * The patch from one pass over the bytes' UUID-shaped windows ({@link UidWindows}), or OVERLAP
   * when two windows holding old uids overlap: each uid's own search below then decides, as it
   * always did. (Without overlaps both find the same occurrences.)
   */
  private static byte[] patchInOnePass(byte[] stored, Map<String, String> newByOld, Map<String, Integer> replaced) {
    int n = newByOld.size();
    long[] high = new long[n];
    long[] low = new long[n];
    byte[][] now = new byte[n][];
    int[] expected = new int[n];
    int k = 0;
    for (Map.Entry<String, String> e : newByOld.entrySet()) {
      long[] pair = UidSet.parse(e.getKey());
      high[k] = pair[0];
      low[k] = pair[1];
      now[k] = e.getValue().getBytes(StandardCharsets.US_ASCII);
      expected[k] = replaced.get(e.getKey());
      k++;
    }
    byte[] out = null;
    int lastEnd = -1;
    for (int at = UidWindows.next(stored, 0, stored.length); at >= 0; at = UidWindows.next(stored, at + 1, stored.length)) {
      long h = UidWindows.high(stored, at);
      long l = UidWindows.low(stored, at);
      for (int i = 0; i < n; i++) {
        if (high[i] == h && low[i] == l) {
          if (at < lastEnd) {
            return OVERLAP;
          }
          lastEnd = at + 36;
          if (--expected[i] < 0) {
            return null; // more occurrences than the walk replaced
          }
          if (out == null) {
            out = stored.clone();
          }
          System.arraycopy(now[i], 0, out, at, 36);
          break;
        }
      }
    }
    for (int e : expected) {
      if (e != 0) {
        return null;
      }
    }
    return out;
  }

  /** The patch from a search for each old uid in turn. */
  private static byte[] patchEachUid(byte[] stored, Map<String, String> newByOld, Map<String, Integer> replaced) {
    byte[] out = stored.clone();
    for (Map.Entry<String, String> e : newByOld.entrySet()) {
      byte[] old = e.getKey().getBytes(StandardCharsets.US_ASCII);
      byte[] now = e.getValue().getBytes(StandardCharsets.US_ASCII);
      ByteSearch search = new ByteSearch(old);
      int found = 0;
      for (int at = search.indexIn(stored, 0); at >= 0; at = search.indexIn(stored, at + old.length)) {
        System.arraycopy(now, 0, out, at, now.length);
        found++;
      }
      if (found != replaced.get(e.getKey())) {
        return null;
      }
    }
    return out;
  }

  /** One uid replaced by another; false when either is not a uid or one old uid got two new ones. */
  private static boolean uid(String old, String now, Map<String, String> newByOld, Map<String, Integer> replaced) {
    if (UidSet.parse(old) == null || UidSet.parse(now) == null) {
      return false;
    }
    String before = newByOld.putIfAbsent(old, now);
    if (before != null && !before.equals(now)) {
      return false;
    }
    replaced.merge(old, 1, Integer::sum);
    return true;
  }

  /**
   * The uids a managedFields key had replaced ({@code k:{"uid":"..."}}), found where the old and
   * the new key differ in a quoted 36-character window, as the rule replaces them; false when the
   * keys differ anywhere else.
   */
  private static boolean keyUids(String old, String now, Map<String, String> newByOld, Map<String, Integer> replaced) {
    int i = 0;
    while (i < old.length()) {
      if (old.charAt(i) == now.charAt(i)) {
        i++;
        continue;
      }
      // a difference: it must lie in a quoted uid that starts at or before i
      int q = old.lastIndexOf('"', i);
      if (q < 0 || q + 37 >= old.length() || old.charAt(q + 37) != '"' || i > q + 36) {
        return false;
      }
      if (!uid(old.substring(q + 1, q + 37), now.substring(q + 1, q + 37), newByOld, replaced)) {
        return false;
      }
      i = q + 38;
    }
    return true;
  }

  /**
   * True when the bytes hold a backslash followed by 'u'. Eight positions at a time: the word at i
   * compared with backslashes and the word at i + 1 with u's, a zero byte in either-or marking a
   * pair (managedFields' keys are full of escaped quotes, so looking into every word that has a
   * backslash cost more than this).
   */
  static boolean hasJsonEscape(byte[] b) {
    return hasJsonEscape(b, 0, b.length);
  }

  /** {@link #hasJsonEscape(byte[])} of {@code b[from, to)}. */
  static boolean hasJsonEscape(byte[] b, int from, int to) {
    int n = to;
    int i = from;
    for (; i + 9 <= n; i += 8) {
      long x = ((long) LONGS.get(b, i) ^ BACKSLASHES) | ((long) LONGS.get(b, i + 1) ^ US);
      if (~(((x & LOW7) + LOW7) | x | LOW7) != 0) {
        return true;
      }
    }
    return escapeIn(b, i, n);
  }

  private static boolean escapeIn(byte[] b, int from, int to) {
    for (int j = from; j < to; j++) {
      if (b[j] == '\\' && j + 1 < to && b[j + 1] == 'u') {
        return true;
      }
    }
    return false;
  }
}
