package io.regshift.bolt;

import static io.regshift.bolt.BoltImage.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One BoltFile shared by many threads, including one that gets interrupted. */
class ConcurrentReadersTest {

    @TempDir Path dir;

    private Path sample() {
        BoltImage image = new BoltImage().maxEntriesPerNode(6);
        BoltImage.Tree key = image.root.bucket("key");
        for (int i = 0; i < 2000; i++) {
            key.put(String.format("k%05d", i), "v" + i + (i % 100 == 0 ? "x".repeat(6000) : ""));
        }
        return image.write(dir.resolve("db"));
    }

    @Test
    void threadsScanningAndLookingUpAtOnceAllSeeTheSameData() throws Exception {
        try (BoltFile file = BoltFile.open(sample())) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Integer>> results = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int seed = t;
                    results.add(pool.submit(() -> scanAndLookUp(file.bucket("key"), seed)));
                }
                for (Future<Integer> result : results) {
                    assertEquals(2000 * 10, result.get());
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static int scanAndLookUp(Bucket key, int seed) {
        int seen = 0;
        for (int round = 0; round < 10; round++) {
            Cursor cursor = key.cursor();
            int i = 0;
            while (cursor.next()) {
                assertEquals(String.format("k%05d", i), new String(cursor.key()));
                i++;
                seen++;
            }
            int probe = (seed * 131 + round * 17) % 2000;
            assertTrue(new String(key.get(bytes(String.format("k%05d", probe)))).startsWith("v" + probe));
        }
        return seen;
    }

    @Test
    void anInterruptedReaderFailsAloneAndTheFileKeepsWorking() {
        try (BoltFile file = BoltFile.open(sample())) {
            Bucket key = file.bucket("key");
            byte[] expected = key.get(bytes("k01500"));
            BoltException interrupted;
            Thread.currentThread().interrupt();
            try {
                interrupted = assertThrows(BoltException.class, () -> key.get(bytes("k00007")));
            } finally {
                Thread.interrupted(); // clear it for the rest of the test
            }
            assertTrue(interrupted.getMessage().endsWith("interrupted while reading"), interrupted.getMessage());
            // Java closed the channel for everyone; the file reopened it
            assertArrayEquals(expected, key.get(bytes("k01500")));
            Cursor cursor = key.cursor();
            int count = 0;
            while (cursor.next()) {
                count++;
            }
            assertEquals(2000, count);
        }
    }
}
