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
     * @param rk         the revision key (null when the bucket key is not one)
     * @param kv         holds the KeyValue record at [from, from+length); valid during the call only
     * @param fileOffset file offset of the record
     */
    void visit(RevisionKey rk, byte[] kv, int from, int length, long fileOffset);
  }

  public static SnapshotStatus compute(BoltFile file, RevisionVisitor visitor) {
    Pass pass = new Pass(visitor);
    Cursor buckets = file.root().cursor();
    byte[] kbuf = new byte[64];
    while (buckets.next()) {
      byte[] name = buckets.key();
      Bucket b = file.root().bucket(name);
      if (b == null) {
        throw new MvccException(file.path() + ": top-level entry '" + EtcdDatabase.utf8(name) + "' is not a bucket");
      }
      pass.crc.update(name);
      boolean isKey = EtcdDatabase.KEY_BUCKET.equals(EtcdDatabase.utf8(name));
      Cursor c = b.cursor();
      while (c.next()) {
        int kl = c.keyLength();
        if (kl > kbuf.length) {
          kbuf = new byte[Math.max(kl, kbuf.length * 2)];
        }
        c.key(kbuf);
        pass.crc.update(kbuf, 0, kl);
        pass.keys++;
        pass.revisionKey = null;
        if (isKey) {
          pass.revisionKey = RevisionKey.parse(kbuf, kl);
          if (pass.revisionKey != null) {
            pass.revision = pass.revisionKey.main();
          }
          pass.fileOffset = c.valueOffset();
        }
        pass.inKeyBucket = isKey;
        c.value(pass); // hashed (and parsed) in place: no copy of a gigabyte of values
      }
    }
    return new SnapshotStatus(pass.crc.getValue(), pass.revision, pass.keys, file.dataSize());
  }

  /** The state of the one pass; also the sink each value is handed to. */
  private static final class Pass implements Cursor.ValueSink {
    final CRC32C crc = new CRC32C();
    final RevisionVisitor visitor;
    long revision;
    long keys;
    boolean inKeyBucket;
    RevisionKey revisionKey;
    long fileOffset;

    Pass(RevisionVisitor visitor) {
      this.visitor = visitor;
    }

    @Override
    public void accept(byte[] array, int offset, int length) {
      crc.update(array, offset, length);
      if (inKeyBucket) {
        visitor.visit(revisionKey, array, offset, length, fileOffset);
      }
    }
  }
}
