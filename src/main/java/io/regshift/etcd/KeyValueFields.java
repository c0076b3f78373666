package io.regshift.etcd;

/**
 * Where the key and value sit inside a KeyValue record, found without copying either: statistics
 * look at every stored revision and need only sizes and the value's first bytes.
 */
public final class KeyValueFields {
  public int keyOffset = -1;
  public int keyLength;
  public int valueOffset = -1;
  public int valueLength;

  /** Parses {@code kv}; false when it is not a well-formed record. */
  public boolean parse(byte[] kv) {
    return parse(kv, 0, kv.length);
  }

  /** Parses the record at kv[from, from+length); offsets found are indexes into {@code kv}. */
  public boolean parse(byte[] kv, int from, int length) {
    keyOffset = -1;
    valueOffset = -1;
    keyLength = 0;
    valueLength = 0;
    int p = from;
    int n = from + length;
    while (p < n) {
      long tag = 0;
      int shift = 0;
      while (true) {
        if (p >= n || shift > 63) return false;
        byte b = kv[p++];
        tag |= (long) (b & 0x7F) << shift;
        if (b >= 0) break;
        shift += 7;
      }
      int field = (int) (tag >>> 3);
      int wire = (int) (tag & 7);
      if (wire == 0) {
        while (true) {
          if (p >= n) return false;
          if (kv[p++] >= 0) break;
        }
      } else if (wire == 2) {
        long len = 0;
        shift = 0;
        while (true) {
          if (p >= n || shift > 63) return false;
          byte b = kv[p++];
          len |= (long) (b & 0x7F) << shift;
          if (b >= 0) break;
          shift += 7;
        }
        if (len < 0 || len > n - p) return false;
        if (field == 1) {
          keyOffset = p;
          keyLength = (int) len;
        } else if (field == 5) {
          valueOffset = p;
          valueLength = (int) len;
        }
        p += (int) len;
      } else if (wire == 1) {
        p += 8;
      } else if (wire == 5) {
        p += 4;
      } else {
        return false;
      }
    }
    return p == n && keyOffset >= 0;
  }
}
