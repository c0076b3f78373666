package io.regshift.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The runs both sorters spill: read back whole (and again), merged in order, cut short an error, gone once closed. */
class SpilledRunsTest {

  private static SpilledRuns<Long> runs() {
    return new SpilledRuns<>("regshift-test-", (out, v) -> out.writeLong(v), in -> in.readLong());
  }

  private static List<Long> drain(Iterator<Long> it) {
    List<Long> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }

  @Test
  void runsMergeInOrderAndReadAgain() {
    try (SpilledRuns<Long> runs = runs()) {
      runs.spill(List.of(1L, 4L, 9L));
      runs.spill(List.of());
      runs.spill(List.of(2L, 3L, 10L, 11L));
      for (int round = 0; round < 2; round++) {
        List<Iterator<Long>> all = new ArrayList<>(runs.read());
        all.add(List.of(0L, 5L).iterator()); // what stayed in memory
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 9L, 10L, 11L), drain(SpilledRuns.merge(all, Comparator.naturalOrder())));
      }
    }
  }

  @Test
  void aRunCutShortIsAnErrorAndClosingDeletesTheFiles() throws Exception {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    long before;
    try (var listed = Files.list(tmp)) {
      before = listed.filter(p -> p.getFileName().toString().startsWith("regshift-test-")).count();
    }
    SpilledRuns<Long> runs = runs();
    runs.spill(List.of(7L, 8L, 9L));
    Path file;
    try (var listed = Files.list(tmp)) {
      file = listed.filter(p -> p.getFileName().toString().startsWith("regshift-test-")).reduce((a, b) ->
          a.toFile().lastModified() >= b.toFile().lastModified() ? a : b).orElseThrow();
    }
    Files.write(file, java.util.Arrays.copyOf(Files.readAllBytes(file), 12)); // one and a half items
    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> drain(runs.read().get(0)));
    assertEquals(true, e.getMessage().contains(file + " ends early"), e.getMessage());
    runs.close();
    try (var listed = Files.list(tmp)) {
      assertEquals(before, listed.filter(p -> p.getFileName().toString().startsWith("regshift-test-")).count());
    }
  }
}
