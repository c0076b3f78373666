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
