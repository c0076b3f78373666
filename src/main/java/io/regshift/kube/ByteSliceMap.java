package io.regshift.kube;

import java.util.Arrays;

/**
 * A small map from byte slices to ints, looked up without copying the slice: statistics look up
 * the resource segment of every stored revision, and a String per lookup was most of their cost.
 * Open addressing; holds at most {@code capacity} entries (a put beyond it is ignored).
 */
final class ByteSliceMap {
  /** What {@link #get} returns for a slice not in the map. */
  static final int ABSENT = Integer.MIN_VALUE;

  private final int capacity;
  private byte[][] keys = new byte[64][];
  private int[] values = new int[64];
  private int size;

  ByteSliceMap(int capacity) {
    this.capacity = capacity;
  }

  int get(byte[] a, int from, int to) {
    int mask = keys.length - 1;
    for (int i = hash(a, from, to) & mask; ; i = (i + 1) & mask) {
      byte[] k = keys[i];
      if (k == null) {
        return ABSENT;
      }
      if (Arrays.equals(k, 0, k.length, a, from, to)) {
        return values[i];
      }
    }
  }

  void put(byte[] a, int from, int to, int value) {
    if (size >= capacity) {
      return;
    }
    if ((size + 1) * 2 > keys.length) {
      grow();
    }
    insert(Arrays.copyOfRange(a, from, to), value);
  }

  private void insert(byte[] key, int value) {
    int mask = keys.length - 1;
    for (int i = hash(key, 0, key.length) & mask; ; i = (i + 1) & mask) {
      if (keys[i] == null) {
        keys[i] = key;
        values[i] = value;
        size++;
        return;
      }
      if (Arrays.equals(keys[i], key)) {
        values[i] = value;
        return;
      }
    }
  }

  private void grow() {
    byte[][] oldKeys = keys;
    int[] oldValues = values;
    keys = new byte[oldKeys.length * 2][];
    values = new int[oldKeys.length * 2];
    size = 0;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != null) {
        insert(oldKeys[i], oldValues[i]);
      }
    }
  }

  private static int hash(byte[] a, int from, int to) {
    int h = 1;
    for (int i = from; i < to; i++) {
      h = 31 * h + a[i];
    }
    return h ^ (h >>> 16);
  }
}
