package io.regshift.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.regshift.etcd.EntryReader;
import io.regshift.etcd.EtcdDatabase;
import io.regshift.etcd.KeyRange;
import io.regshift.etcd.MvccEntry;
import io.regshift.etcd.ReadView;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * A command's passes over a file that keeps its sort (restore's tiers, a rewrite's first pass)
 * read what fresh reads give, also with a reader of another range open in between, and after the
 * handle is closed.
 */
class KeepSortedTest {
  private static final Path DEMO = Path.of("test-data/demo-cluster.db");

  private static List<String> read(EntryReader r, int max) {
    List<String> out = new ArrayList<>();
    while (out.size() < max) {
      MvccEntry e = r.next();
      if (e == null) {
        break;
      }
      out.add(e.keyString() + "@" + e.modRevision() + "#" + java.util.Arrays.hashCode(e.value()));
    }
    return out;
  }

  @Test
  void passesOverAKeptSortReadWhatFreshReadsRead() {
    KeyRange registry = KeyRange.prefix("/registry/");
    KeyRange pods = KeyRange.prefix("/registry/pods/");
    Predicate<byte[]> configMaps = k -> new String(k, StandardCharsets.UTF_8).startsWith("/registry/configmaps/");
    List<String> all;
    List<String> onlyConfigMaps;
    List<String> onlyPods;
    try (EtcdDatabase db = EtcdDatabase.open(DEMO)) {
      all = read(db.read(ReadView.latest(), registry), Integer.MAX_VALUE);
      onlyConfigMaps = read(db.read(ReadView.latest(), registry, configMaps), Integer.MAX_VALUE);
      onlyPods = read(db.read(ReadView.latest(), pods), Integer.MAX_VALUE);
    }
    try (SnapshotSource src = new SnapshotSource(EtcdDatabase.open(DEMO))) {
      try (Source.SortKeeping kept = src.keepSorted()) {
        try (EntryReader first = src.read(ReadView.latest(), registry, k -> true)) {
          List<String> firstHalf = read(first, all.size() / 2);
          // another range while the first reader is open: a fresh read
          try (EntryReader other = src.read(ReadView.latest(), pods, k -> true)) {
            assertEquals(onlyPods, read(other, Integer.MAX_VALUE));
          }
          firstHalf.addAll(read(first, Integer.MAX_VALUE));
          assertEquals(all, firstHalf);
        }
        try (EntryReader second = src.read(ReadView.latest(), registry, k -> true)) {
          assertEquals(all, read(second, Integer.MAX_VALUE));
        }
        try (EntryReader third = src.read(ReadView.latest(), registry, configMaps)) {
          assertEquals(onlyConfigMaps, read(third, Integer.MAX_VALUE));
        }
      }
      try (EntryReader after = src.read(ReadView.latest(), registry, configMaps)) {
        assertEquals(onlyConfigMaps, read(after, Integer.MAX_VALUE));
      }
    }
  }
}
