package io.regshift.bolt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files written by {@link BoltWriter} read back through our reader with every key and value, and
 * pass bbolt's page-graph check, in the shapes that stress a bulk build: no keys, one-byte and
 * 32 KiB keys, values larger than a page, and more keys than one branch page holds.
 */
class BoltWriterTest {

    @TempDir Path dir;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] be(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    /** Writes one bucket "data" with these sorted entries (and an empty bucket "empty"). */
    private Path write(List<byte[][]> entries, boolean trailer) {
        Path file = dir.resolve("out.db");
        try (BoltWriter w = BoltWriter.create(file)) {
            BoltWriter.BucketWriter b = w.bucket("data");
            for (byte[][] e : entries) {
                b.put(e[0], e[1]);
            }
            b.finish();
            w.bucket("empty").finish();
            w.finish(trailer);
        }
        return file;
    }

    private static void assertReadsBack(Path file, List<byte[][]> entries) {
        try (BoltFile f = BoltFile.open(file)) {
            assertEquals(List.of(), BoltChecker.check(f));
            Bucket b = f.bucket("data");
            assertNotNull(b);
            Cursor c = b.cursor();
            int i = 0;
            while (c.next()) {
                assertArrayEquals(entries.get(i)[0], c.key(), "key " + i);
                assertArrayEquals(entries.get(i)[1], c.value(), "value " + i);
                i++;
            }
            assertEquals(entries.size(), i);
            Bucket empty = f.bucket("empty");
            assertNotNull(empty);
            assertTrue(empty.isInline());
            assertFalse(empty.cursor().next());
            for (byte[][] e : entries.subList(0, Math.min(entries.size(), 50))) {
                assertArrayEquals(e[1], b.get(e[0]));
            }
        }
    }

    @Test
    void anEmptyBucketAndFileReadBack() {
        Path file = write(List.of(), true);
        assertReadsBack(file, List.of());
        try (BoltFile f = BoltFile.open(file)) {
            assertTrue(f.trailer().present());
            assertTrue(f.trailer().verify());
            assertTrue(f.meta().hasFreelist());
            assertEquals(f.meta().pgid() * 4096 + 32, f.fileSize());
        }
    }

    @Test
    void aSmallBucketIsInlineAndALargerOneGetsPages() {
        List<byte[][]> few = List.of(new byte[][] {bytes("a"), bytes("1")}, new byte[][] {bytes("b"), bytes("2")});
        assertReadsBack(write(few, false), few);
        try (BoltFile f = BoltFile.open(dir.resolve("out.db"))) {
            assertTrue(f.bucket("data").isInline());
            assertFalse(f.trailer().present());
        }
        List<byte[][]> more = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            more.add(new byte[][] {bytes(String.format("key-%03d", i)), bytes("value " + i)});
        }
        assertReadsBack(write(more, false), more);
        try (BoltFile f = BoltFile.open(dir.resolve("out.db"))) {
            assertFalse(f.bucket("data").isInline());
        }
    }

    @Test
    void keysOfOneByteAnd32KiBAndValuesLargerThanAPage() {
        Random random = new Random(7);
        List<byte[][]> entries = new ArrayList<>();
        for (int i = 1; i < 200; i++) {
            entries.add(new byte[][] {new byte[] {(byte) i}, bytes("v" + i)});
        }
        byte[] bigKey = new byte[32 * 1024];
        Arrays.fill(bigKey, (byte) 0xF0);
        byte[] bigValue = new byte[3 * 1024 * 1024 + 5]; // many overflow pages, and more than the write buffer
        random.nextBytes(bigValue);
        entries.add(new byte[][] {bigKey, bigValue});
        byte[] justOver = new byte[4097];
        random.nextBytes(justOver);
        byte[] afterBig = bigKey.clone();
        afterBig = Arrays.copyOf(afterBig, afterBig.length - 1);
        afterBig[0] = (byte) 0xF1;
        entries.add(new byte[][] {afterBig, justOver});
        entries.add(new byte[][] {new byte[] {(byte) 0xFF}, new byte[0]});
        assertReadsBack(write(entries, true), entries);
        try (BoltFile f = BoltFile.open(dir.resolve("out.db"))) {
            assertTrue(f.trailer().verify());
        }
    }

    @Test
    void moreKeysThanOneBranchPageHoldsMakeAThreeLevelTree() {
        // 17-byte keys as etcd's revisions, 200k of them: ~1,300 leaves, more than one branch of ~120
        List<byte[][]> entries = new ArrayList<>();
        for (long i = 1; i <= 200_000; i++) {
            byte[] k = new byte[17];
            System.arraycopy(be(i), 0, k, 0, 8);
            k[8] = '_';
            entries.add(new byte[][] {k, bytes("value of revision " + i)});
        }
        Path file = write(entries, true);
        assertReadsBack(file, entries);
        try (BoltFile f = BoltFile.open(file)) {
            Bucket b = f.bucket("data");
            assertArrayEquals(entries.get(entries.size() - 1)[0], b.lastKey());
            assertArrayEquals(entries.get(123_456)[1], b.get(entries.get(123_456)[0]));
        }
    }

    @Test
    void keysOutOfOrderAreRefused() {
        try (BoltWriter w = BoltWriter.create(dir.resolve("bad.db"))) {
            BoltWriter.BucketWriter b = w.bucket("data");
            b.put(bytes("b"), bytes("1"));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.put(bytes("a"), bytes("2")));
            assertTrue(e.getMessage().contains("does not sort after"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> b.put(bytes("b"), bytes("2")));
            assertThrows(IllegalArgumentException.class, () -> b.put(new byte[0], bytes("2")));
        }
    }

    @Test
    void manyBucketsInTheRootAreSortedWhateverTheOrderWritten() throws Exception {
        Path file = dir.resolve("many.db");
        try (BoltWriter w = BoltWriter.create(file)) {
            for (String name : List.of("members", "key", "auth", "meta", "lease", "cluster")) {
                BoltWriter.BucketWriter b = w.bucket(name);
                b.put(bytes("k"), bytes(name));
                b.finish();
            }
            w.finish(false);
        }
        try (BoltFile f = BoltFile.open(file)) {
            assertEquals(List.of(), BoltChecker.check(f));
            List<String> names = new ArrayList<>();
            Cursor c = f.root().cursor();
            while (c.next()) {
                names.add(new String(c.key(), StandardCharsets.UTF_8));
                assertTrue(c.isBucket());
            }
            assertEquals(List.of("auth", "cluster", "key", "lease", "members", "meta"), names);
            assertArrayEquals(bytes("lease"), f.bucket("lease").get(bytes("k")));
        }
        assertEquals(0, Files.size(file) % 4096);
    }
}
