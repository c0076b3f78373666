package io.regshift.bolt;

import static io.regshift.bolt.BoltImage.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Offsets past 2 GiB: a sparse file whose tree lives beyond the 2 GiB mark costs little disk. */
class LargeFileTest {

    private static final long TWO_GIB = 1L << 31;

    @TempDir Path dir;

    @Test
    void treePagesBeyondTwoGibibytesAreReadAndChecked() throws Exception {
        long firstPage = TWO_GIB / 4096 + 1000; // the whole tree sits past 2 GiB
        BoltImage image = new BoltImage().persistedFreelist(false).inlineSmallBuckets(false).firstDataPage(firstPage);
        byte[] large = new byte[10_000]; // three pages: an overflow node
        Arrays.fill(large, (byte) 'L');
        image.root.bucket("key").put(bytes("a"), bytes("first")).put(bytes("b"), large).put(bytes("c"), bytes("last"));
        Path db = image.write(dir.resolve("sparse.db"));
        assertTrue(Files.size(db) > TWO_GIB);

        try (BoltFile file = BoltFile.open(db)) {
            assertTrue(file.dataSize() > TWO_GIB);
            Bucket key = file.bucket("key");
            assertTrue(key.rootPage() > TWO_GIB / 4096);
            assertArrayEquals(large, key.get(bytes("b")));

            Cursor cursor = key.cursor(bytes("b"));
            assertTrue(cursor.next());
            assertTrue(cursor.valueOffset() > TWO_GIB);
            assertArrayEquals(large, cursor.value());
            assertArrayEquals(large, file.read(cursor.valueOffset(), cursor.valueLength()));
            assertTrue(cursor.next());
            assertEquals("c", new String(cursor.key()));
            assertFalse(cursor.next());

            assertEquals(java.util.List.of(), BoltChecker.check(file), "the hole is free space, as etcd leaves it");
        }
    }
}
