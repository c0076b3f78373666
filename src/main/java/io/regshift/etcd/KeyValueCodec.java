package io.regshift.etcd;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import java.io.IOException;

/**
 * Reads and writes {@code mvccpb.KeyValue} (proto/etcd/kv.proto) straight from and to bytes:
 * the generated class would copy every value twice on the hot path of a scan.
 */
public final class KeyValueCodec {
  private KeyValueCodec() {}

  /** The etcd key of a KeyValue (field 1), without decoding the rest; null when absent. */
  public static byte[] key(byte[] kv, int off, int len) {
    try {
      CodedInputStream in = CodedInputStream.newInstance(kv, off, len);
      while (true) {
        int tag = in.readTag();
        if (tag == 0) {
          return null;
        }
        if (tag == 10) { // field 1, length-delimited
          return in.readByteArray();
        }
        in.skipField(tag);
      }
    } catch (IOException e) {
      throw new MvccException("KeyValue: " + e.getMessage());
    }
  }

  /** Decodes a whole KeyValue stored at {@code revision}. */
  public static MvccEntry decode(byte[] kv, RevisionKey revision) {
    byte[] key = null;
    byte[] value = new byte[0];
    long create = 0;
    long mod = 0;
    long version = 0;
    long lease = 0;
    try {
      CodedInputStream in = CodedInputStream.newInstance(kv);
      in.setSizeLimit(Integer.MAX_VALUE);
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        switch (tag) {
          case 10 -> key = in.readByteArray();
          case 16 -> create = in.readInt64();
          case 24 -> mod = in.readInt64();
          case 32 -> version = in.readInt64();
          case 42 -> value = in.readByteArray();
          case 48 -> lease = in.readInt64();
          default -> in.skipField(tag);
        }
      }
    } catch (IOException e) {
      throw new MvccException("revision " + revision + ": KeyValue: " + e.getMessage());
    }
    if (key == null) {
      throw new MvccException("revision " + revision + ": KeyValue has no key");
    }
    if (revision.tombstone()) {
      // a deletion stores the key only; its revision is the deletion's
      return new MvccEntry(key, value, create, revision.main(), version, lease, true, revision.main());
    }
    return new MvccEntry(key, value, create, mod, version, lease, false, 0);
  }

  /**
   * Decodes a whole KeyValue from a view of the file (its mapping), copying the key and the value
   * once each, straight out of the page; null when the record is not well-formed, so that the
   * caller decodes a copy with {@link #decode(byte[], RevisionKey)}, which says what is wrong.
   */
  public static MvccEntry decode(java.nio.ByteBuffer kv, RevisionKey revision) {
    byte[] key = null;
    byte[] value = EMPTY;
    long create = 0;
    long mod = 0;
    long version = 0;
    long lease = 0;
    int p = 0;
    int n = kv.limit();
    long[] varint = new long[1];
    while (p < n) {
      p = varint(kv, p, n, varint);
      if (p < 0) {
        return null;
      }
      int field = (int) (varint[0] >>> 3);
      int wire = (int) (varint[0] & 7);
      if (wire == 0) {
        p = varint(kv, p, n, varint);
        if (p < 0) {
          return null;
        }
        switch (field) {
          case 2 -> create = varint[0];
          case 3 -> mod = varint[0];
          case 4 -> version = varint[0];
          case 6 -> lease = varint[0];
          default -> { }
        }
      } else if (wire == 2) {
        p = varint(kv, p, n, varint);
        if (p < 0 || varint[0] < 0 || varint[0] > n - p) {
          return null;
        }
        int len = (int) varint[0];
        if (field == 1 || field == 5) {
          byte[] b = new byte[len];
          kv.get(p, b);
          if (field == 1) {
            key = b;
          } else {
            value = b;
          }
        }
        p += len;
      } else if (wire == 1 && p <= n - 8) {
        p += 8;
      } else if (wire == 5 && p <= n - 4) {
        p += 4;
      } else {
        return null;
      }
    }
    if (key == null) {
      return null;
    }
    if (revision.tombstone()) {
      return new MvccEntry(key, value, create, revision.main(), version, lease, true, revision.main());
    }
    return new MvccEntry(key, value, create, mod, version, lease, false, 0);
  }

  private static final byte[] EMPTY = new byte[0];

  /** Reads a varint at {@code p} into {@code out[0]}; the position after it, or -1 when malformed. */
  private static int varint(java.nio.ByteBuffer b, int p, int n, long[] out) {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p >= n) {
        return -1;
      }
      byte x = b.get(p++);
      v |= (long) (x & 0x7F) << shift;
      if (x >= 0) {
        out[0] = v;
        return p;
      }
    }
    return -1;
  }

  /**
   * {@link #encode} as the bytes before the value and the bytes after it (the value's own bytes
   * in between, as they are): a writer puts the three into its page without joining them.
   */
  public static byte[][] around(MvccEntry e) {
    if (e.value().length == 0) {
      return new byte[][] {encode(e), new byte[0]};
    }
    int head = CodedOutputStream.computeByteArraySize(1, e.key());
    if (e.createRevision() != 0) head += CodedOutputStream.computeInt64Size(2, e.createRevision());
    if (e.modRevision() != 0) head += CodedOutputStream.computeInt64Size(3, e.modRevision());
    if (e.version() != 0) head += CodedOutputStream.computeInt64Size(4, e.version());
    head += CodedOutputStream.computeTagSize(5) + CodedOutputStream.computeUInt32SizeNoTag(e.value().length);
    byte[] before = new byte[head];
    byte[] after = new byte[e.lease() != 0 ? CodedOutputStream.computeInt64Size(6, e.lease()) : 0];
    try {
      CodedOutputStream o = CodedOutputStream.newInstance(before);
      o.writeByteArray(1, e.key());
      if (e.createRevision() != 0) o.writeInt64(2, e.createRevision());
      if (e.modRevision() != 0) o.writeInt64(3, e.modRevision());
      if (e.version() != 0) o.writeInt64(4, e.version());
      o.writeTag(5, com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED);
      o.writeUInt32NoTag(e.value().length);
      o.checkNoSpaceLeft();
      if (e.lease() != 0) {
        CodedOutputStream t = CodedOutputStream.newInstance(after);
        t.writeInt64(6, e.lease());
        t.checkNoSpaceLeft();
      }
    } catch (IOException ex) {
      throw new IllegalStateException(ex);
    }
    return new byte[][] {before, after};
  }

  /** Encodes a KeyValue as etcd does (proto3: zero fields omitted, field-number order). */
  public static byte[] encode(MvccEntry e) {
    int size = 0;
    size += CodedOutputStream.computeByteArraySize(1, e.key());
    if (e.createRevision() != 0) size += CodedOutputStream.computeInt64Size(2, e.createRevision());
    if (e.modRevision() != 0) size += CodedOutputStream.computeInt64Size(3, e.modRevision());
    if (e.version() != 0) size += CodedOutputStream.computeInt64Size(4, e.version());
    if (e.value().length != 0) size += CodedOutputStream.computeByteArraySize(5, e.value());
    if (e.lease() != 0) size += CodedOutputStream.computeInt64Size(6, e.lease());
    byte[] out = new byte[size];
    CodedOutputStream o = CodedOutputStream.newInstance(out);
    try {
      o.writeByteArray(1, e.key());
      if (e.createRevision() != 0) o.writeInt64(2, e.createRevision());
      if (e.modRevision() != 0) o.writeInt64(3, e.modRevision());
      if (e.version() != 0) o.writeInt64(4, e.version());
      if (e.value().length != 0) o.writeByteArray(5, e.value());
      if (e.lease() != 0) o.writeInt64(6, e.lease());
      o.checkNoSpaceLeft();
    } catch (IOException ex) {
      throw new IllegalStateException(ex);
    }
    return out;
  }
}
