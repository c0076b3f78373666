package io.regshift.rewrite;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Fields cut out of a value's stored protobuf bytes, and the length prefixes of the messages
 * around them (the envelope's raw bytes included) shortened to match: for bytes as Go writes them,
 * what encoding the tree without those fields gives, for a fraction of the cost (the resourceVersion
 * rule clears an Event's {@code involvedObject.resourceVersion}: 52,000 values of the benchmark
 * cluster).
 */
final class FieldCut {
  /**
   * One field, {@code [from, to)} from its tag to the end of its value, inside the messages whose
   * contents start at {@code enclosing} (outermost first: the object's own, then each one nested).
   */
  record Cut(int from, int to, int[] enclosing) {}

  private FieldCut() {}

  /** The bytes without the cut fields; the cuts do not overlap, nor do they hold a length prefix they name. */
  static byte[] apply(byte[] value, List<Cut> cuts) {
    Map<Integer, Integer> removed = new HashMap<>(); // content start of a message -> bytes cut from it
    Map<Integer, Integer> parent = new HashMap<>();
    TreeMap<Integer, byte[]> edits = new TreeMap<>(); // where -> replacement, in order
    Map<Integer, Integer> editEnds = new HashMap<>();
    for (Cut c : cuts) {
      edits.put(c.from(), new byte[0]);
      editEnds.put(c.from(), c.to());
      int[] chain = c.enclosing();
      for (int i = 0; i < chain.length; i++) {
        removed.merge(chain[i], c.to() - c.from(), Integer::sum);
        if (i > 0) {
          parent.put(chain[i], chain[i - 1]);
        }
      }
    }
    // innermost first: a nested message's content starts after its parent's
    List<Integer> starts = new ArrayList<>(removed.keySet());
    starts.sort(java.util.Comparator.reverseOrder());
    for (int start : starts) {
      int prefix = prefixStart(value, start);
      long oldLength = varint(value, prefix, start);
      byte[] now = varint(oldLength - removed.get(start));
      edits.put(prefix, now);
      editEnds.put(prefix, start);
      int shorter = start - prefix - now.length;
      for (Integer p = parent.get(start); p != null && shorter > 0; p = parent.get(p)) {
        removed.merge(p, shorter, Integer::sum);
      }
    }
    int size = value.length;
    for (Map.Entry<Integer, byte[]> e : edits.entrySet()) {
      size -= editEnds.get(e.getKey()) - e.getKey() - e.getValue().length;
    }
    byte[] out = new byte[size];
    int from = 0;
    int to = 0;
    for (Map.Entry<Integer, byte[]> e : edits.entrySet()) {
      int at = e.getKey();
      if (at < from) {
        throw new IllegalStateException("overlapping cuts at " + at);
      }
      System.arraycopy(value, from, out, to, at - from);
      to += at - from;
      System.arraycopy(e.getValue(), 0, out, to, e.getValue().length);
      to += e.getValue().length;
      from = editEnds.get(at);
    }
    System.arraycopy(value, from, out, to, value.length - from);
    return out;
  }

  /**
   * Where the length prefix ending at {@code contentStart} begins: its bytes before the last have
   * the high bit set, and the byte before them ends the field's tag, whose last byte has it clear.
   */
  private static int prefixStart(byte[] b, int contentStart) {
    int p = contentStart - 1;
    if (p < 1 || b[p] < 0) {
      throw new IllegalStateException("no length prefix before " + contentStart);
    }
    while (b[p - 1] < 0) {
      p--;
    }
    return p;
  }

  private static long varint(byte[] b, int from, int to) {
    long v = 0;
    for (int i = from, shift = 0; i < to; i++, shift += 7) {
      v |= (long) (b[i] & 0x7f) << shift;
    }
    return v;
  }

  private static byte[] varint(long v) {
    byte[] out = new byte[10];
    int n = 0;
    while ((v & ~0x7fL) != 0) {
      out[n++] = (byte) (v & 0x7f | 0x80);
      v >>>= 7;
    }
    out[n++] = (byte) v;
    return java.util.Arrays.copyOf(out, n);
  }
}
