package io.regshift.etcd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Live entries in key order come out in revision order, whole, even when the sort spills to disk. */
class EntryRevisionSorterTest {

  private static MvccEntry entry(String key, long mod, int valueBytes, Random random) {
    byte[] value = new byte[valueBytes];
    random.nextBytes(value);
    return new MvccEntry(key.getBytes(StandardCharsets.UTF_8), value, Math.max(1, mod - 3), mod, 2, mod % 7, false, 0);
  }

  @Test
  void spilledRunsMergeIntoRevisionOrderWithSubRevisionsPerTransaction() {
    Random random = new Random(11);
    List<MvccEntry> entries = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      // pairs of keys share a revision, as keys written in one transaction do
      entries.add(entry(String.format("/registry/k/%04d", i), 10 + i / 2, 10_000, random));
    }
    List<MvccEntry> keyOrder = new ArrayList<>(entries);
    Collections.shuffle(keyOrder, random);
    keyOrder.sort((a, b) -> java.util.Arrays.compareUnsigned(a.key(), b.key()));
    try (EntryRevisionSorter sorter = new EntryRevisionSorter(1 << 20)) { // 6 MB of values: several runs
      keyOrder.forEach(sorter::add);
      RevisionReader sorted = sorter.sorted();
      for (int i = 0; i < entries.size(); i++) {
        RevisionEntry r = sorted.next();
        MvccEntry want = entries.get(i);
        assertEquals(new RevisionKey(want.modRevision(), i % 2, false), r.revision(), "record " + i);
        assertArrayEquals(want.key(), r.entry().key());
        assertArrayEquals(want.value(), r.entry().value());
        assertEquals(List.of(want.createRevision(), want.version(), want.lease()),
            List.of(r.entry().createRevision(), r.entry().version(), r.entry().lease()));
      }
      assertEquals(null, sorted.next());
    }
  }

  @Test
  void aDeletionIsRefused() {
    try (EntryRevisionSorter sorter = new EntryRevisionSorter(1 << 20)) {
      MvccEntry gone = new MvccEntry("/registry/x".getBytes(StandardCharsets.UTF_8), new byte[0], 1, 2, 1, 0, true, 2);
      assertThrows(IllegalArgumentException.class, () -> sorter.add(gone));
    }
  }
}
