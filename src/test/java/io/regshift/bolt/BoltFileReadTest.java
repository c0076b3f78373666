package io.regshift.bolt;

import static io.regshift.bolt.BoltImage.bytes;
import static io.regshift.bolt.BoltImage.string;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Files laid out as bbolt does, read back: every entry, in order, by scan, seek and lookup. */
class BoltFileReadTest {

    @TempDir Path dir;

    /** 600 keys, every 50th value larger than a page, nodes of at most 8 entries: three levels. */
    private static TreeMap<String, byte[]> sampleEntries() {
        TreeMap<String, byte[]> entries = new TreeMap<>();
        for (int i = 0; i < 600; i++) {
            String key = String.format("/registry/pods/ns%02d/pod-%04d", i % 7, i);
            int size = i % 50 == 0 ? 9000 + i : 40 + i % 13;
            byte[] value = new byte[size];
            Arrays.fill(value, (byte) i);
            value[0] = (byte) (i >> 8);
            entries.put(key, value);
        }
        return entries;
    }

    private BoltImage sampleImage(int pageSize, TreeMap<String, byte[]> entries) {
        BoltImage image = new BoltImage(pageSize).maxEntriesPerNode(8);
        BoltImage.Tree key = image.root.bucket("key");
        entries.forEach((k, v) -> key.put(bytes(k), v));
        image.root.bucket("meta").put("consistent_index", "12").sequence(3);
        image.root.bucket("nested").bucket("inner").put("a", "1").put("b", "2");
        image.root.bucket("empty");
        return image;
    }

    @ParameterizedTest(name = "page size {0}")
    @ValueSource(ints = {512, 1024, 4096, 16384, 65536})
    void scanYieldsEveryEntryInKeyOrderWithItsValue(int pageSize) {
        TreeMap<String, byte[]> entries = sampleEntries();
        BoltImage image = sampleImage(pageSize, entries);
        try (BoltFile file = BoltFile.open(image.write(dir.resolve("db")))) {
            assertEquals(pageSize, file.pageSize());
            List<String> keys = new ArrayList<>();
            Cursor cursor = file.bucket("key").cursor();
            while (cursor.next()) {
                String key = string(cursor.key());
                keys.add(key);
                assertArrayEquals(entries.get(key), cursor.value(), key);
                assertFalse(cursor.isBucket());
                assertEquals(entries.get(key).length, cursor.valueLength());
            }
            assertEquals(List.copyOf(entries.keySet()), keys);
            assertFalse(cursor.next(), "stays at the end");
        }
    }

    @Test
    void theSampleReallyHasBranchesAndOverflowPages() {
        BoltImage image = sampleImage(4096, sampleEntries());
        image.write(dir.resolve("db"));
        assertTrue(image.branchPages("key").size() > 8, "branch pages on more than one level");
        assertTrue(image.pgid() > image.leafPages("key").size() + image.branchPages("key").size() + 4,
                "large values took overflow pages");
    }

    @Test
    void getFindsEveryKeyAndNothingBetweenBeforeOrAfter() {
        TreeMap<String, byte[]> entries = sampleEntries();
        try (BoltFile file = BoltFile.open(sampleImage(4096, entries).write(dir.resolve("db")))) {
            Bucket key = file.bucket("key");
            entries.forEach((k, v) -> assertArrayEquals(v, key.get(bytes(k)), k));
            assertNull(key.get(bytes("")));
            assertNull(key.get(bytes("/registry/pods/ns00/pod-0000\0")), "just after a key");
            assertNull(key.get(bytes("/registry/pods/ns00/pod-000")), "a prefix of a key");
            assertNull(key.get(bytes("/registry/pods/ns99")), "after the last key");
            assertNull(key.get(bytes("/")), "before the first key");
        }
    }

    @Test
    void cursorFromStartsAtTheFirstKeyAtOrAfterIt() {
        TreeMap<String, byte[]> entries = sampleEntries();
        try (BoltFile file = BoltFile.open(sampleImage(4096, entries).write(dir.resolve("db")))) {
            Bucket key = file.bucket("key");
            for (String from : List.of("", "/", "/registry/pods/ns03/", "/registry/pods/ns03/pod-0003",
                    "/registry/pods/ns03/pod-0003\0", "/registry/pods/ns04/pod-0000", "/registry/pods/ns06/pod-0594",
                    "/registry/pods/ns06/pod-0595", "/registry/pods/ns07")) {
                List<String> expected = List.copyOf(entries.tailMap(from, true).keySet());
                List<String> seen = new ArrayList<>();
                Cursor cursor = key.cursor(bytes(from));
                while (cursor.next()) {
                    seen.add(string(cursor.key()));
                }
                assertEquals(expected, seen, "from " + from);
            }
        }
    }

    @Test
    void everyKeyIsASeekTarget() {
        TreeMap<String, byte[]> entries = sampleEntries();
        try (BoltFile file = BoltFile.open(sampleImage(4096, entries).write(dir.resolve("db")))) {
            Bucket key = file.bucket("key");
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                Cursor cursor = key.cursor(bytes(entry.getKey()));
                assertTrue(cursor.next());
                assertEquals(entry.getKey(), string(cursor.key()));
                String higher = entries.higherKey(entry.getKey());
                assertEquals(higher != null, cursor.next());
                if (higher != null) {
                    assertEquals(higher, string(cursor.key()));
                }
            }
        }
    }

    @Test
    void nestedAndInlineBucketsOpenWithTheirSequence() {
        try (BoltFile file = BoltFile.open(sampleImage(4096, sampleEntries()).write(dir.resolve("db")))) {
            List<String> topLevel = new ArrayList<>();
            Cursor cursor = file.root().cursor();
            while (cursor.next()) {
                assertTrue(cursor.isBucket());
                topLevel.add(string(cursor.key()));
            }
            assertEquals(List.of("empty", "key", "meta", "nested"), topLevel);

            Bucket meta = file.bucket("meta");
            assertTrue(meta.isInline());
            assertEquals(3, meta.sequence());
            assertArrayEquals(bytes("12"), meta.get(bytes("consistent_index")));

            Bucket nested = file.bucket("nested");
            assertFalse(nested.isInline(), "a bucket holding a bucket is never inline");
            Bucket inner = nested.bucket("inner");
            assertArrayEquals(bytes("2"), inner.get(bytes("b")));
            assertNull(nested.get(bytes("inner")), "get returns null for a sub-bucket, as bbolt's Get does");

            assertFalse(file.bucket("empty").cursor().next());
            assertNull(file.bucket("absent"));
            assertNull(nested.bucket("absent"));
        }
    }

    @Test
    void bucketOnAPlainKeyFailsNamingTheKey() {
        BoltImage image = new BoltImage();
        image.root.bucket("meta").put("term", "7");
        try (BoltFile file = BoltFile.open(image.write(dir.resolve("db")))) {
            BoltException e = assertThrows(BoltException.class, () -> file.bucket("meta").bucket("term"));
            assertTrue(e.getMessage().endsWith("\"term\" is a key, not a bucket"), e.getMessage());
        }
    }

    @Test
    void aSubBucketEntryCarriesItsRawBucketValue() {
        BoltImage image = new BoltImage().inlineSmallBuckets(false);
        image.root.bucket("key").put("k", "v").sequence(9);
        try (BoltFile file = BoltFile.open(image.write(dir.resolve("db")))) {
            Cursor cursor = file.root().cursor();
            assertTrue(cursor.next());
            assertTrue(cursor.isBucket());
            assertArrayEquals(BoltImage.bucketHeader(image.bucketRoot("key"), 9), cursor.value());
        }
    }

    @Test
    void valueOffsetReReadsTheSameBytesLater() {
        TreeMap<String, byte[]> entries = sampleEntries();
        try (BoltFile file = BoltFile.open(sampleImage(4096, entries).write(dir.resolve("db")))) {
            List<long[]> kept = new ArrayList<>();
            List<byte[]> values = new ArrayList<>();
            Cursor cursor = file.bucket("key").cursor();
            while (cursor.next()) {
                kept.add(new long[] {cursor.valueOffset(), cursor.valueLength()});
                values.add(cursor.value());
            }
            for (int i = 0; i < kept.size(); i++) {
                assertArrayEquals(values.get(i), file.read(kept.get(i)[0], (int) kept.get(i)[1]));
            }
            Cursor inline = file.bucket("meta").cursor();
            assertTrue(inline.next());
            assertArrayEquals(bytes("12"), file.read(inline.valueOffset(), inline.valueLength()), "inside an inline bucket");
        }
    }

    @Test
    void readRefusesRangesOutsideTheFile() {
        try (BoltFile file = BoltFile.open(new BoltImage().write(dir.resolve("db")))) {
            assertEquals(4, file.read(file.fileSize() - 4, 4).length);
            assertThrows(BoltException.class, () -> file.read(file.fileSize() - 4, 5));
            assertThrows(BoltException.class, () -> file.read(-1, 1));
            assertThrows(BoltException.class, () -> file.read(Long.MAX_VALUE, 1));
        }
    }

    @Test
    void keyIntoABufferCopiesOnlyWhenItFits() {
        BoltImage image = new BoltImage();
        image.root.bucket("key").put("a-longer-key", "v");
        try (BoltFile file = BoltFile.open(image.write(dir.resolve("db")))) {
            Cursor cursor = file.bucket("key").cursor();
            assertTrue(cursor.next());
            byte[] room = new byte[32];
            assertEquals(12, cursor.key(room));
            assertEquals("a-longer-key", new String(room, 0, 12));
            byte[] small = new byte[4];
            assertEquals(12, cursor.key(small));
            assertArrayEquals(new byte[4], small, "left alone when the key does not fit");
            assertEquals(12, cursor.keyLength());
        }
    }

    @Test
    void cursorAccessorsBeforeNextAreAnError() {
        BoltImage image = new BoltImage();
        image.root.bucket("key").put("a", "v");
        try (BoltFile file = BoltFile.open(image.write(dir.resolve("db")))) {
            Cursor cursor = file.bucket("key").cursor();
            assertThrows(IllegalStateException.class, cursor::key);
        }
    }

    @Test
    void describesTheFileAsEtcdutlWould() {
        BoltImage image = new BoltImage().txids(41, 42).tailPadding(8192);
        image.root.bucket("key").put("a", "v").put("b", "w");
        Path db = image.write(dir.resolve("db"));
        try (BoltFile file = BoltFile.open(db)) {
            assertEquals(1, file.meta().index(), "the higher txid wins");
            assertEquals(42, file.meta().txid());
            assertEquals(2, file.metas().size());
            assertTrue(file.metas().stream().allMatch(Meta::valid));
            assertEquals(image.pgid() * 4096, file.dataSize());
            assertEquals(image.pgid() * 4096 + 8192, file.fileSize(), "a preallocated tail is allowed");
            assertFalse(file.trailer().present());
            assertNull(file.trailer().stored());
            assertFalse(file.trailer().verify());
            assertEquals(db, file.path());
        }
    }

    @Test
    void snapshotTrailerIsFoundAndVerified() {
        BoltImage image = new BoltImage().snapshotTrailer(true);
        image.root.bucket("key").put("a", "v");
        Path db = image.write(dir.resolve("snap.db"));
        try (BoltFile file = BoltFile.open(db)) {
            assertTrue(file.trailer().present());
            assertEquals(32, file.trailer().stored().length);
            assertTrue(file.trailer().verify());
            assertEquals(file.fileSize() - 32, file.dataSize());
        }
        FilePatch.bytes(db, image.offset(image.bucketRoot("")) + 100, (byte) 0x55); // unused bytes of a page
        try (BoltFile file = BoltFile.open(db)) {
            assertFalse(file.trailer().verify(), "a changed image no longer matches its hash");
        }
    }
}
