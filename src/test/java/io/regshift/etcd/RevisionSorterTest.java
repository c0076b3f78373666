package io.regshift.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sorter gives etcd's key order whether the runs were sorted in the background, merged, or
 * spilled to disk, and a reduce that keeps the last revision per key still finds every key's last.
 */
class RevisionSorterTest {

    /** Revisions in etcd's order (increasing), over a few thousand keys, many written more than once. */
    private static List<RevisionRef> revisions(int count, long seed) {
        Random random = new Random(seed);
        List<RevisionRef> refs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] key = ("/registry/pods/ns-" + random.nextInt(50) + "/p-" + random.nextInt(100)).getBytes(StandardCharsets.UTF_8);
            refs.add(new RevisionRef(key, i + 2, 0, random.nextInt(10) == 0, i * 100L, 100, i));
        }
        return refs;
    }

    private static List<RevisionRef> lastPerKey(List<RevisionRef> sorted) {
        List<RevisionRef> out = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            if (i + 1 == sorted.size() || !sorted.get(i + 1).sameKey(sorted.get(i))) {
                out.add(sorted.get(i));
            }
        }
        return out;
    }

    private static List<RevisionRef> drain(RevisionSorter sorter) {
        List<RevisionRef> out = new ArrayList<>();
        sorter.sorted().forEachRemaining(out::add);
        return out;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 64L << 20})
    void everyRevisionComesOutInKeyOrder(long budget) {
        List<RevisionRef> refs = revisions(RevisionSorter.RUN * 5 + 123, budget);
        List<RevisionRef> sorted;
        try (RevisionSorter sorter = new RevisionSorter(budget, UnaryOperator.identity())) {
            refs.forEach(sorter::add);
            sorted = drain(sorter);
            assertEquals(budget == 1, sorter.spillCount() > 0);
        }
        List<RevisionRef> expected = new ArrayList<>(refs);
        expected.sort(RevisionRef.ORDER);
        assertEquals(expected.size(), sorted.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(0, RevisionRef.ORDER.compare(expected.get(i), sorted.get(i)), "at " + i);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 64L << 20})
    void aReducingSorterStillYieldsEachKeysLastRevision(long budget) {
        List<RevisionRef> refs = revisions(RevisionSorter.RUN * 7, budget + 5);
        Map<String, Long> expected = new LinkedHashMap<>();
        List<RevisionRef> all = new ArrayList<>(refs);
        all.sort(RevisionRef.ORDER);
        lastPerKey(all).forEach(r -> expected.put(new String(r.key(), StandardCharsets.UTF_8), r.main()));
        Map<String, Long> seen = new LinkedHashMap<>();
        try (RevisionSorter sorter = new RevisionSorter(budget, RevisionSorterTest::lastPerKey)) {
            refs.forEach(sorter::add);
            List<RevisionRef> out = drain(sorter);
            for (int i = 1; i < out.size(); i++) {
                assertTrue(RevisionRef.ORDER.compare(out.get(i - 1), out.get(i)) < 0, "order at " + i);
            }
            // as the stats read it: the last of each run of equal keys
            lastPerKey(out).forEach(r -> seen.put(new String(r.key(), StandardCharsets.UTF_8), r.main()));
            if (budget > 1) {
                assertEquals(expected.size(), out.size(), "in memory, merged runs hold one revision per key");
            }
        }
        assertEquals(expected, seen);
    }

    /** A command with two passes reads one sort twice (spilled or not) and gets the same references. */
    @ParameterizedTest
    @ValueSource(longs = {1, 64L << 20})
    void aSortReadsAgainTheSame(long budget) {
        List<RevisionRef> refs = revisions(RevisionSorter.RUN * 3 + 7, 11);
        try (RevisionSorter sorter = new RevisionSorter(budget, RevisionSorterTest::lastPerKey)) {
            refs.forEach(sorter::add);
            List<RevisionRef> first = drain(sorter);
            List<RevisionRef> second = drain(sorter);
            assertTrue(!first.isEmpty());
            assertEquals(first.size(), second.size());
            for (int i = 0; i < first.size(); i++) {
                assertEquals(0, RevisionRef.ORDER.compare(first.get(i), second.get(i)), "at " + i);
                assertEquals(first.get(i).offset(), second.get(i).offset());
            }
        }
    }
}
