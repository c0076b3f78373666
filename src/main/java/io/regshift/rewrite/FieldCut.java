package io.regshift.rewrite;

import java.util.Arrays;
import java.util.List;

/**
 * Fields cut out of a value's stored protobuf bytes, and the length prefixes of the messages
 * around them (the envelope's raw bytes included) shortened to match: for bytes as Go writes them,
 * what encoding the tree without those fields gives, for a fraction of the cost (the resourceVersion
 * rule clears an Event's {@code involvedObject.resourceVersion}: 52,000 values of the benchmark
 * cluster). A handful of cuts and messages per value: plain arrays, no collections.
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
    // the enclosing messages, each once: content start, bytes cut from it, its parent's index
    int[] starts = new int[8];
    int[] removed = new int[8];
    int[] parent = new int[8];
    int messages = 0;
    for (Cut c : cuts) {
      int up = -1;
      for (int start : c.enclosing()) {
        int i = indexOf(starts, messages, start);
        if (i < 0) {
          if (messages == starts.length) {
            starts = Arrays.copyOf(starts, messages * 2);
            removed = Arrays.copyOf(removed, messages * 2);
            parent = Arrays.copyOf(parent, messages * 2);
          }
          i = messages++;
          starts[i] = start;
          parent[i] = up;
        }
        removed[i] += c.to() - c.from();
        up = i;
      }
    }
    // edits in the bytes: [at, end) replaced by with (the cuts: by nothing; the prefixes: shorter)
    int edits = cuts.size() + messages;
    int[] at = new int[edits];
    int[] end = new int[edits];
    byte[][] with = new byte[edits][];
    int e = 0;
    for (Cut c : cuts) {
      at[e] = c.from();
      end[e] = c.to();
      with[e++] = new byte[0];
    }
    // innermost first (a nested message's content starts after its parent's): a prefix that got
    // shorter shortens every message around it too
    Integer[] order = new Integer[messages];
    for (int i = 0; i < messages; i++) {
      order[i] = i;
    }
    final int[] s = starts;
    Arrays.sort(order, (x, y) -> Integer.compare(s[y], s[x]));
    for (int i : order) {
      int prefix = prefixStart(value, starts[i]);
      byte[] now = varint(varint(value, prefix, starts[i]) - removed[i]);
      at[e] = prefix;
      end[e] = starts[i];
      with[e++] = now;
      int shorter = starts[i] - prefix - now.length;
      for (int p = parent[i]; p >= 0 && shorter > 0; p = parent[p]) {
        removed[p] += shorter;
      }
    }
    // the edits in byte order, applied in one copy
    Integer[] byPosition = new Integer[edits];
    int size = value.length;
    for (int i = 0; i < edits; i++) {
      byPosition[i] = i;
      size -= end[i] - at[i] - with[i].length;
    }
    Arrays.sort(byPosition, (x, y) -> Integer.compare(at[x], at[y]));
    byte[] out = new byte[size];
    int from = 0;
    int to = 0;
    for (int i : byPosition) {
      if (at[i] < from) {
        throw new IllegalStateException("overlapping cuts at " + at[i]);
      }
      System.arraycopy(value, from, out, to, at[i] - from);
      to += at[i] - from;
      System.arraycopy(with[i], 0, out, to, with[i].length);
      to += with[i].length;
      from = end[i];
    }
    System.arraycopy(value, from, out, to, value.length - from);
    return out;
  }

  private static int indexOf(int[] a, int n, int v) {
    for (int i = 0; i < n; i++) {
      if (a[i] == v) {
        return i;
      }
    }
    return -1;
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
    return Arrays.copyOf(out, n);
  }
}
