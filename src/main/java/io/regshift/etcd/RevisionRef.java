package io.regshift.etcd;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Where one stored revision of a key sits in a database file: enough to sort revisions by key
 * and re-read the record later, without holding its value.
 *
 * @param key       the etcd key
 * @param main      revision
 * @param sub       index within the revision's transaction
 * @param tombstone true for a deletion
 * @param offset    file offset of the KeyValue record
 * @param length    its length
 * @param note      whatever the reader wants carried through the sort (statistics keep the value's
 *                  size and encoding here), 0 otherwise
 */
public record RevisionRef(byte[] key, long main, long sub, boolean tombstone, long offset, int length, long note) {

  /** etcd's order: key (unsigned bytes), then revision. */
  public static final Comparator<RevisionRef> ORDER = (a, b) -> {
    int c = Arrays.compareUnsigned(a.key, b.key);
    if (c != 0) return c;
    c = Long.compare(a.main, b.main);
    return c != 0 ? c : Long.compare(a.sub, b.sub);
  };

  /** etcd's key bucket order: revision (main, then sub). */
  public static final Comparator<RevisionRef> REVISION_ORDER = (a, b) -> {
    int c = Long.compare(a.main, b.main);
    return c != 0 ? c : Long.compare(a.sub, b.sub);
  };

  public RevisionKey revision() {
    return new RevisionKey(main, sub, tombstone);
  }

  /** Rough heap bytes held, for the sorter's memory budget. */
  long footprint() {
    return 104L + key.length;
  }

  public boolean sameKey(RevisionRef o) {
    return Arrays.equals(key, o.key);
  }
}
