package io.regshift.etcd;

import io.etcd.jetcd.impl.AbstractResponse;
import io.etcd.jetcd.kv.GetResponse;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.function.Predicate;

/**
 * The key-values of a range response as entries. jetcd's {@code GetResponse.getKvs()} wraps every
 * key and value in a {@code ByteSequence} that hashes all its bytes when built, and a restore or a
 * backup reads every value of the cluster, so the protobuf message under the response is read
 * directly (jetcd keeps it behind a protected getter); jetcd's own wrappers serve when that fails.
 */
final class RangeKvs {
  private static final MethodHandle RESPONSE = responseGetter();

  private RangeKvs() {}

  /**
   * What a response held.
   *
   * @param last its last key, null when it held none
   * @param keys its keys, kept or not
   */
  record Seen(byte[] last, int keys) {}

  /** Appends the response's entries whose key {@code keep} accepts; values are left empty when {@code keysOnly}. */
  static Seen addTo(GetResponse r, Predicate<byte[]> keep, boolean keysOnly, java.util.Collection<MvccEntry> page) {
    byte[] last = null;
    io.etcd.jetcd.api.RangeResponse raw = raw(r);
    if (raw != null) {
      for (io.etcd.jetcd.api.KeyValue kv : raw.getKvsList()) {
        byte[] key = kv.getKey().toByteArray();
        last = key;
        if (keep.test(key)) {
          page.add(new MvccEntry(key, keysOnly ? EMPTY : kv.getValue().toByteArray(), kv.getCreateRevision(),
              kv.getModRevision(), kv.getVersion(), kv.getLease(), false, 0));
        }
      }
      return new Seen(last, raw.getKvsCount());
    }
    List<io.etcd.jetcd.KeyValue> kvs = r.getKvs();
    for (io.etcd.jetcd.KeyValue kv : kvs) {
      byte[] key = kv.getKey().getBytes();
      last = key;
      if (keep.test(key)) {
        page.add(new MvccEntry(key, keysOnly ? EMPTY : kv.getValue().getBytes(), kv.getCreateRevision(),
            kv.getModRevision(), kv.getVersion(), kv.getLease(), false, 0));
      }
    }
    return new Seen(last, kvs.size());
  }

  private static final byte[] EMPTY = new byte[0];

  private static io.etcd.jetcd.api.RangeResponse raw(GetResponse r) {
    if (RESPONSE == null) {
      return null;
    }
    try {
      Object o = RESPONSE.invoke(r);
      return o instanceof io.etcd.jetcd.api.RangeResponse rr ? rr : null;
    } catch (Throwable t) {
      return null;
    }
  }

  private static MethodHandle responseGetter() {
    try {
      return MethodHandles.privateLookupIn(AbstractResponse.class, MethodHandles.lookup())
          .findVirtual(AbstractResponse.class, "getResponse", MethodType.methodType(Object.class));
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null; // another jetcd: its wrappers serve
    }
  }
}
