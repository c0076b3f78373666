package io.regshift.etcd;

/**
 * A key of etcd's bbolt {@code key} bucket: the revision of one change.
 * 17 bytes: main (int64 big-endian), '_', sub (int64 big-endian); a tombstone adds a trailing 't'.
 *
 * @param main      the store revision of the transaction
 * @param sub       the index of the change within that transaction
 * @param tombstone true when the change deleted the key
 */
public record RevisionKey(long main, long sub, boolean tombstone) implements Comparable<RevisionKey> {

  /** Length of a revision key without the tombstone marker. */
  public static final int LENGTH = 17;

  /** Parses a bucket key; null when it is not a revision key (the caller reports it). */
  public static RevisionKey parse(byte[] key, int length) {
    if ((length != LENGTH && length != LENGTH + 1) || key[8] != '_') {
      return null;
    }
    boolean tombstone = length == LENGTH + 1;
    if (tombstone && key[LENGTH] != 't') {
      return null;
    }
    return new RevisionKey(readLong(key, 0), readLong(key, 9), tombstone);
  }

  public static RevisionKey parse(byte[] key) {
    return parse(key, key.length);
  }

  /** The bucket key bytes. */
  public byte[] bytes() {
    byte[] b = new byte[tombstone ? LENGTH + 1 : LENGTH];
    writeLong(b, 0, main);
    b[8] = '_';
    writeLong(b, 9, sub);
    if (tombstone) {
      b[LENGTH] = 't';
    }
    return b;
  }

  @Override
  public int compareTo(RevisionKey o) {
    int c = Long.compare(main, o.main);
    return c != 0 ? c : Long.compare(sub, o.sub);
  }

  @Override
  public String toString() {
    return main + "_" + sub + (tombstone ? "t" : "");
  }

  static long readLong(byte[] b, int off) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[off + i] & 0xFF);
    }
    return v;
  }

  static void writeLong(byte[] b, int off, long v) {
    for (int i = 7; i >= 0; i--) {
      b[off + i] = (byte) v;
      v >>>= 8;
    }
  }
}
