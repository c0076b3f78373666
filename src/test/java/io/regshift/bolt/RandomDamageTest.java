package io.regshift.bolt;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of randomly damaged copies of a file with every feature (freelist, branches,
 * overflow, nested and inline buckets): reading and checking each must end, in time, with
 * results or a one-line BoltException, and the checker must report rather than throw.
 */
class RandomDamageTest {

    private static final int COPIES = 3000;

    @TempDir Path dir;

    @Test
    void damagedFilesFailOnlyWithBoltException() throws Exception {
        BoltImage image = new BoltImage(512).maxEntriesPerNode(5).freePages(3);
        BoltImage.Tree key = image.root.bucket("key");
        for (int i = 0; i < 60; i++) {
            key.put(String.format("k%03d", i), i % 20 == 0 ? "x".repeat(1500) : "v" + i);
        }
        BoltImage.Tree nested = image.root.bucket("nested");
        nested.bucket("inline").put("a", "1");
        for (int i = 0; i < 30; i++) {
            nested.bucket("big").put("n" + i, "value " + i);
        }
        byte[] sound = Files.readAllBytes(image.write(dir.resolve("sound.db")));
        long dataStart = 2L * image.pageSize();

        Random random = new Random(20240601);
        int failedReads = 0;
        int problemsFound = 0;
        Path damaged = dir.resolve("damaged.db");
        for (int copy = 0; copy < COPIES; copy++) {
            byte[] bytes = sound.clone();
            // most copies keep their metas, so the damage reaches the tree
            long from = copy % 4 == 0 ? 0 : dataStart;
            int flips = 1 + random.nextInt(8);
            for (int f = 0; f < flips; f++) {
                int at = (int) (from + random.nextInt((int) (bytes.length - from)));
                bytes[at] = (byte) (random.nextInt(3) == 0 ? 0xFF : random.nextInt(256));
            }
            Files.write(damaged, bytes);
            String seed = "copy " + copy;
            boolean[] outcome = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> readAndCheck(damaged, seed), seed);
            failedReads += outcome[0] ? 1 : 0;
            problemsFound += outcome[1] ? 1 : 0;
        }
        assertTrue(failedReads > COPIES / 10, "the damage is real: " + failedReads + " reads failed");
        assertTrue(problemsFound > COPIES / 10, "and the checker sees it: " + problemsFound + " files had problems");
    }

    /** Returns {reading failed, the checker found problems}. */
    private static boolean[] readAndCheck(Path file, String seed) {
        BoltFile bolt;
        try {
            bolt = BoltFile.open(file);
        } catch (BoltException e) {
            assertSingleLine(e, seed);
            return new boolean[] {true, true};
        }
        try (bolt) {
            boolean failed = false;
            try {
                HostileFileTest.readEverything(bolt.root());
            } catch (BoltException e) {
                assertSingleLine(e, seed);
                failed = true;
            }
            try {
                return new boolean[] {failed, !BoltChecker.check(bolt).isEmpty()};
            } catch (RuntimeException e) {
                return fail(seed + ": the checker threw instead of reporting", e);
            }
        } catch (BoltException e) {
            throw e;
        } catch (RuntimeException | Error e) {
            return fail(seed + ": " + e, e);
        }
    }

    private static void assertSingleLine(BoltException e, String seed) {
        assertFalse(e.getMessage().contains("\n"), seed + ": " + e.getMessage());
    }
}
