package io.regshift.etcd;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A range of etcd keys, [from, to) in unsigned byte order as etcd sorts them.
 *
 * @param from first key included
 * @param to   first key excluded; null for no upper bound
 */
public record KeyRange(byte[] from, byte[] to) {

  /** Every key. */
  public static KeyRange all() {
    return new KeyRange(new byte[0], null);
  }

  /** The keys starting with {@code prefix}, as {@code etcdctl get --prefix} reads them. */
  public static KeyRange prefix(String prefix) {
    return prefix(prefix.getBytes(StandardCharsets.UTF_8));
  }

  public static KeyRange prefix(byte[] prefix) {
    return new KeyRange(prefix, prefixEnd(prefix));
  }

  /** Exactly one key. */
  public static KeyRange single(String key) {
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    byte[] next = Arrays.copyOf(k, k.length + 1);
    return new KeyRange(k, next);
  }

  public boolean contains(byte[] key) {
    return contains(key, key.length);
  }

  public boolean contains(byte[] key, int length) {
    return Arrays.compareUnsigned(key, 0, length, from, 0, from.length) >= 0
        && (to == null || Arrays.compareUnsigned(key, 0, length, to, 0, to.length) < 0);
  }

  /** etcd's range end for a prefix: the prefix with its last byte below 0xff incremented. */
  static byte[] prefixEnd(byte[] prefix) {
    for (int i = prefix.length - 1; i >= 0; i--) {
      if ((prefix[i] & 0xFF) != 0xFF) {
        byte[] end = Arrays.copyOf(prefix, i + 1);
        end[i]++;
        return end;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "[" + new String(from, StandardCharsets.UTF_8) + ", "
        + (to == null ? "end" : new String(to, StandardCharsets.UTF_8)) + ")";
  }
}
