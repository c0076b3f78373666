package io.regshift.etcd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * A range sorted once and read several times (a rewrite's first pass, then its output) gives, on
 * every read, exactly what a fresh read of the demo cluster's file gives, whatever the keys kept
 * and the view: latest, as of an old revision, deleted objects, and history.
 */
class SortedRangeTest {
  private static final Path DEMO = Path.of("test-data/demo-cluster.db");

  private static List<MvccEntry> drain(EntryReader r) {
    List<MvccEntry> out = new ArrayList<>();
    try (r) {
      for (MvccEntry e = r.next(); e != null; e = r.next()) {
        out.add(e);
      }
    }
    return out;
  }

  private static void assertSame(List<MvccEntry> expected, List<MvccEntry> actual, String what) {
    assertEquals(expected.size(), actual.size(), what);
    for (int i = 0; i < expected.size(); i++) {
      MvccEntry a = expected.get(i);
      MvccEntry b = actual.get(i);
      assertEquals(a.keyString(), b.keyString(), what + " at " + i);
      assertArrayEquals(a.value(), b.value(), what + " " + a.keyString());
      assertEquals(List.of(a.createRevision(), a.modRevision(), a.version(), a.lease(), a.deleteRevision()),
          List.of(b.createRevision(), b.modRevision(), b.version(), b.lease(), b.deleteRevision()), what + " " + a.keyString());
      assertEquals(a.deleted(), b.deleted(), what + " " + a.keyString());
    }
  }

  @Test
  void everyReadOfOneSortIsAFreshRead() {
    try (EtcdDatabase db = EtcdDatabase.open(DEMO)) {
      long head = db.headRevision();
      Predicate<byte[]> all = k -> true;
      Predicate<byte[]> pods = k -> new String(k, StandardCharsets.UTF_8).startsWith("/registry/pods/");
      Predicate<byte[]> noSecrets = k -> !new String(k, StandardCharsets.UTF_8).startsWith("/registry/secrets/");
      KeyRange range = KeyRange.prefix("/registry/");
      for (ReadView view : List.of(ReadView.latest(), ReadView.at(head - 40), ReadView.at(db.compactRevision() + 1),
          ReadView.latest().deleted(), ReadView.history())) {
        try (EtcdDatabase.SortedRange sorted = db.sort(view, range)) {
          for (int round = 0; round < 2; round++) {
            for (Predicate<byte[]> keep : List.of(all, pods, noSecrets)) {
              List<MvccEntry> fresh = drain(db.read(view, range, keep));
              assertTrue(!fresh.isEmpty() || view.deletedOnly() && keep == pods, view + " reads something");
              assertSame(fresh, drain(sorted.reader(keep)), view + " round " + round);
            }
          }
        }
      }
    }
  }

  /**
   * The records in revision order after a whole read of the same view, range and keys (which
   * marks what it gave, so that the bucket is not sorted again) are those a fresh database file
   * gives; after a read left halfway, or of other keys, too.
   */
  @Test
  void revisionOrderAfterAWholeReadIsTheFreshOne() {
    KeyRange range = KeyRange.prefix("/registry/");
    Predicate<byte[]> all = k -> true;
    Predicate<byte[]> noPods = k -> !new String(k, StandardCharsets.UTF_8).startsWith("/registry/pods/");
    try (EtcdDatabase db = EtcdDatabase.open(DEMO)) {
      long head = db.headRevision();
      for (ReadView view : List.of(ReadView.latest(), ReadView.at(head - 40))) {
        for (Predicate<byte[]> keep : List.of(all, noPods)) {
          List<String> fresh;
          try (EtcdDatabase other = EtcdDatabase.open(DEMO)) {
            fresh = records(other.readByRevision(view, range, keep));
          }
          assertTrue(fresh.size() > 20, view + ": " + fresh.size());
          // a whole read, through loaders as a rewrite's first pass reads it
          try (EntryReader r = db.read(view, range, keep)) {
            int n = 0;
            for (java.util.function.Supplier<MvccEntry> l = r.nextLoader(); l != null; l = r.nextLoader()) {
              n++;
            }
            assertTrue(n > 20);
          }
          assertEquals(fresh, records(db.readByRevision(view, range, keep)), view + " after a whole read");
          // halfway, and of other keys: nothing to reuse
          try (EntryReader r = db.read(view, range, keep)) {
            r.next();
          }
          assertEquals(fresh, records(db.readByRevision(view, range, keep)), view + " after half a read");
          drain(db.read(view, range, keep == all ? noPods : all));
          assertEquals(fresh, records(db.readByRevision(view, range, keep)), view + " after a read of other keys");
        }
      }
    }
  }

  private static List<String> records(RevisionReader r) {
    List<String> out = new ArrayList<>();
    try (r) {
      for (RevisionEntry e = r.next(); e != null; e = r.next()) {
        out.add(e.revision() + " " + e.entry().keyString() + " " + java.util.Arrays.hashCode(e.entry().value()));
      }
    }
    return out;
  }
}
