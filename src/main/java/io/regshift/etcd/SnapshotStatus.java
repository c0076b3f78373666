package io.regshift.etcd;

import io.regshift.bolt.BoltFile;
import io.regshift.bolt.Bucket;
import io.regshift.bolt.Cursor;
import java.util.zip.CRC32C;

/**
 * What {@code etcdutl snapshot status} reports, computed the same way: a CRC-32C over every
 * top-level bucket's name and every key and value in order, the revision of the last key-bucket
 * entry, the number of keys across all buckets, and the data size. One pass; each key-bucket
 * entry is also handed to a visitor, so that statistics need no second read.
 *
 * @param hash       CRC-32C (Castagnoli), as etcdutl prints it
 * @param revision   main revision of the last entry of the key bucket
 * @param totalKeys  keys in all buckets
 * @param totalSize  meta.pgid * pageSize
 */
public record SnapshotStatus(long hash, long revision, long totalKeys, long totalSize) {

  /** Sees every entry of the key bucket during the pass. */
  public interface RevisionVisitor {
    /**
     * @param rk          the revision key (null when the bucket key is not one)
     * @param kv          the KeyValue record bytes
     * @param valueOffset file offset of {@code kv}
     */
    void visit(RevisionKey rk, byte[] kv, long valueOffset);
  }

  public static SnapshotStatus compute(BoltFile file, RevisionVisitor visitor) {
    CRC32C crc = new CRC32C();
    long revision = 0;
    long keys = 0;
    Cursor buckets = file.root().cursor();
    byte[] kbuf = new byte[64];
    while (buckets.next()) {
      byte[] name = buckets.key();
      Bucket b = file.root().bucket(name);
      if (b == null) {
        throw new MvccException(file.path() + ": top-level entry '" + EtcdDatabase.utf8(name) + "' is not a bucket");
      }
      crc.update(name);
      boolean isKey = EtcdDatabase.KEY_BUCKET.equals(EtcdDatabase.utf8(name));
      Cursor c = b.cursor();
      while (c.next()) {
        int kl = c.keyLength();
        if (kl > kbuf.length) {
          kbuf = new byte[Math.max(kl, kbuf.length * 2)];
        }
        c.key(kbuf);
        crc.update(kbuf, 0, kl);
        byte[] v = c.value();
        crc.update(v);
        keys++;
        if (isKey) {
          RevisionKey rk = RevisionKey.parse(kbuf, kl);
          if (rk != null) {
            revision = rk.main();
          }
          visitor.visit(rk, v, c.valueOffset());
        }
      }
    }
    return new SnapshotStatus(crc.getValue(), revision, keys, file.dataSize());
  }
}
