package io.regshift.bolt;

import static io.regshift.bolt.BoltImage.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged and foreign files: each must end in a BoltException whose message is one line naming
 * the file (and the page, where there is one), never a hang, an OutOfMemoryError or another
 * exception.
 */
class HostileFileTest {

    private static final Duration NO_HANG = Duration.ofSeconds(20);

    @TempDir Path dir;

    /** 40 keys in nodes of 4: ten leaves under a two-level branch tree; an inline "meta". */
    private BoltImage image;
    private Path db;

    private Path writeSample() {
        image = new BoltImage().maxEntriesPerNode(4).persistedFreelist(false);
        BoltImage.Tree key = image.root.bucket("key");
        for (int i = 0; i < 40; i++) {
            key.put(String.format("k%03d", i), "value-" + i);
        }
        image.root.bucket("meta").put("term", "1");
        db = image.write(dir.resolve("db"));
        return db;
    }

    private long keyRoot() {
        return image.bucketRoot("key");
    }

    private long firstLeaf() {
        return image.leafPages("key").get(0);
    }

    /** Offset of element {@code i} of a page. */
    private long element(long page, int i) {
        return image.offset(page) + 16 + 16L * i;
    }

    // --- not bbolt at all ---

    @Test
    void emptyFile() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.db"));
        assertEquals(empty + ": not a bbolt file: it is empty", failsToOpen(empty).getMessage());
    }

    @Test
    void textFile() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.txt"), "line one\nline two\n".repeat(400));
        BoltException e = failsToOpen(text);
        assertTrue(e.getMessage().startsWith(text + ": not a bbolt file: no bbolt magic"), e.getMessage());
        assertEquals(-1, e.page());
    }

    @Test
    void fileShorterThanAMeta() throws Exception {
        Path tiny = Files.write(dir.resolve("tiny"), new byte[10]);
        assertEquals(tiny + ": not a bbolt file: only 10 bytes", failsToOpen(tiny).getMessage());
    }

    @Test
    void directory() {
        assertTrue(failsToOpen(dir).getMessage().endsWith("is a directory, not a bbolt file"));
    }

    @Test
    void namedPipeIsRefusedWithoutWaitingForAWriter() throws Exception {
        Path fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        BoltException e = assertTimeoutPreemptively(NO_HANG, () -> failsToOpen(fifo));
        assertEquals(fifo + ": not a regular file", e.getMessage());
    }

    @Test
    void missingFile() {
        assertEquals(dir.resolve("nope") + ": no such file", failsToOpen(dir.resolve("nope")).getMessage());
    }

    // --- metas ---

    @Test
    void bothMetasZeroed() {
        writeSample();
        FilePatch.zero(db, 16, 64);
        FilePatch.zero(db, 4096 + 16, 64);
        assertTrue(failsToOpen(db).getMessage().contains("not a bbolt file: no bbolt magic at offset 16"));
    }

    @Test
    void bothChecksumsWrongNamesBothProblems() {
        writeSample();
        FilePatch.bytes(db, 16 + 48, (byte) 0x77); // txid byte of meta 0
        FilePatch.bytes(db, 4096 + 16 + 48, (byte) 0x77);
        String message = failsToOpen(db).getMessage();
        assertTrue(message.startsWith(db + ": no valid meta page: meta 0: checksum 0x"), message);
        assertTrue(message.contains("; meta 1: checksum 0x"), message);
    }

    @Test
    void zeroedMeta0FallsBackToMeta1FoundAtItsPageSize() {
        BoltImage big = new BoltImage(8192);
        big.root.bucket("key").put("a", "1");
        Path file = big.write(dir.resolve("db"));
        FilePatch.zero(file, 0, 8192);
        try (BoltFile bolt = BoltFile.open(file)) {
            assertEquals(8192, bolt.pageSize());
            assertEquals(1, bolt.meta().index());
            Meta meta0 = bolt.metas().get(0);
            assertFalse(meta0.valid());
            assertEquals("magic 0x00000000 is not bbolt's 0xed0cdaed", meta0.problem());
            assertEquals("1", new String(bolt.bucket("key").get(bytes("a"))));
        }
    }

    @Test
    void newerMetaWithABadChecksumGivesWayToTheOlder() {
        writeSample(); // meta 0 has txid 5, meta 1 txid 4
        FilePatch.bytes(db, 16 + 40, (byte) 0x7F); // pgid byte of meta 0, checksum left as it was
        try (BoltFile bolt = BoltFile.open(db)) {
            assertEquals(1, bolt.meta().index());
            assertTrue(bolt.metas().get(0).problem().startsWith("checksum"));
        }
    }

    @Test
    void unknownVersion() {
        writeSample();
        FilePatch.meta(db, 4096, 0, meta -> meta.putInt(4, 3));
        FilePatch.meta(db, 4096, 1, meta -> meta.putInt(4, 3));
        assertTrue(failsToOpen(db).getMessage().contains("meta 0: version 3, expected 2"));
    }

    @Test
    void rootOutsideTheDataInTheNewerMetaGivesWayToTheOlder() {
        writeSample();
        FilePatch.meta(db, 4096, 0, meta -> meta.putLong(16, image.pgid() + 5));
        try (BoltFile bolt = BoltFile.open(db)) {
            assertEquals(1, bolt.meta().index());
            assertTrue(bolt.metas().get(0).problem().startsWith("root page " + (image.pgid() + 5) + " is outside"));
        }
    }

    @Test
    void truncatedFile() {
        writeSample();
        FilePatch.truncate(db, (image.pgid() - 1) * 4096);
        String message = failsToOpen(db).getMessage();
        assertTrue(message.startsWith(db + ": truncated: meta 0 says the data is " + image.pgid() + " pages"), message);
    }

    @Test
    void absurdPgidIsAnErrorNotAnAllocation() {
        writeSample();
        for (int index = 0; index < 2; index++) {
            FilePatch.meta(db, 4096, index, meta -> meta.putLong(40, 1L << 62));
        }
        assertTrue(failsToOpen(db).getMessage().contains("truncated: meta 0 says the data is 4611686018427387904 pages"));
    }

    // --- pages ---

    @Test
    void childBeyondTheHighWaterMark() {
        writeSample();
        FilePatch.u64(db, element(keyRoot(), 1) + 8, image.pgid() + 100);
        BoltException e = failsReading(db);
        assertEquals(image.pgid() + 100, e.page());
        assertTrue(e.getMessage().endsWith("beyond the high-water mark (" + image.pgid() + " pages)"), e.getMessage());
    }

    @Test
    void childIsAMetaPage() {
        writeSample();
        FilePatch.u64(db, element(keyRoot(), 0) + 8, 1);
        assertTrue(failsReading(db).getMessage().endsWith("page 1: a meta page referenced as a tree page"));
    }

    @Test
    void pageIdFieldDiffersFromItsPosition() {
        writeSample();
        FilePatch.u64(db, image.offset(firstLeaf()), 12345);
        BoltException e = failsReading(db);
        assertEquals(db + ": page " + firstLeaf() + ": page id field says 12345", e.getMessage());
        assertEquals(firstLeaf(), e.page());
    }

    @Test
    void freelistFlagsOnATreePage() {
        writeSample();
        FilePatch.u16(db, image.offset(firstLeaf()) + 8, PageType.FREELIST);
        assertTrue(failsReading(db).getMessage().endsWith(
                "page " + firstLeaf() + ": page type is freelist (flags 0x10), expected branch or leaf"));
    }

    @Test
    void elementCountAbsurdForThePage() {
        writeSample();
        FilePatch.u16(db, image.offset(firstLeaf()) + 10, 0xFFFE);
        assertTrue(failsReading(db).getMessage().endsWith(
                "page " + firstLeaf() + ": 65534 leaf elements do not fit in 4096 bytes"));
    }

    @Test
    void leafElementPointsPastThePage() {
        writeSample();
        FilePatch.u32(db, element(firstLeaf(), 3) + 4, 5000);
        assertEquals(db + ": page " + firstLeaf() + ": leaf element 3 points past the page", failsReading(db).getMessage());
    }

    @Test
    void leafValueSizePastThePage() {
        writeSample();
        FilePatch.u32(db, element(firstLeaf(), 0) + 12, 0x7FFF_0000L);
        assertTrue(failsReading(db).getMessage().endsWith("leaf element 0 points past the page"));
    }

    @Test
    void valueLargerThanBboltAllows() {
        writeSample();
        FilePatch.u32(db, element(firstLeaf(), 0) + 12, 0xFFFF_FFF0L);
        assertTrue(failsReading(db).getMessage().contains("leaf element 0 has a value of 4294967280 bytes"));
    }

    @Test
    void keyLargerThanBboltAllows() {
        writeSample();
        FilePatch.u32(db, element(keyRoot(), 0) + 4, 40000);
        assertTrue(failsReading(db).getMessage().endsWith(
                "page " + keyRoot() + ": branch element 0 has a key of 40000 bytes, more than bbolt allows (32768)"));
    }

    @Test
    void overflowPastTheHighWaterMark() {
        writeSample();
        FilePatch.u32(db, image.offset(firstLeaf()) + 12, 1000);
        assertTrue(failsReading(db).getMessage().endsWith(
                "page " + firstLeaf() + ": overflow of 1000 pages runs past the high-water mark (" + image.pgid() + " pages)"));
    }

    @Test
    void branchWithoutElements() {
        writeSample();
        FilePatch.u16(db, image.offset(keyRoot()) + 10, 0);
        assertTrue(failsReading(db).getMessage().endsWith("page " + keyRoot() + ": branch page has no elements"));
    }

    @Test
    void branchCycleIsRefusedNotFollowed() {
        writeSample();
        long lowerBranch = image.branchPages("key").get(0);
        FilePatch.u64(db, element(lowerBranch, 1) + 8, keyRoot()); // a child pointing back at the root
        String message = failsReading(db).getMessage();
        assertTrue(message.contains("page " + keyRoot() + ": branch cycle"), message);
        assertTrue(message.endsWith("(path: [" + keyRoot() + " " + lowerBranch + "])"), message);
    }

    @Test
    void leafKeysOutOfOrderFailTheScan() throws Exception {
        writeSample();
        long keyOne;
        try (BoltFile bolt = BoltFile.open(db)) {
            keyOne = valueOffset(bolt.bucket("key"), "k001") - 4;
        }
        FilePatch.bytes(db, keyOne, bytes("k000")); // now equal to key 0
        assertEquals(db + ": page " + firstLeaf() + ": leaf key 1 is not after key 0", failsReading(db).getMessage());
        try (BoltFile bolt = BoltFile.open(db)) {
            Cursor cursor = bolt.bucket("key").cursor();
            assertTrue(cursor.next());
            BoltException first = assertThrows(BoltException.class, cursor::next);
            assertEquals(first, assertThrows(BoltException.class, cursor::next), "a failed cursor does not skip ahead");
        }
    }

    @Test
    void aLeafReferencedTwiceIsCaughtByKeyOrder() {
        writeSample();
        long lowerBranch = image.branchPages("key").get(0);
        long leaf = image.leafPages("key").get(0);
        FilePatch.u64(db, element(lowerBranch, 1) + 8, leaf);
        assertTrue(failsReading(db).getMessage().contains(
                "page " + leaf + ": first key is not after the previous leaf's last key"));
    }

    @Test
    void emptyLeavesReferencedOverAndOverEndTheScan() {
        // 200 x 200 references to one empty leaf: 40,000 leaves to visit, each finding nothing
        BoltImage empty = new BoltImage().persistedFreelist(false).inlineSmallBuckets(false).freePages(2);
        empty.root.bucket("key");
        Path file = empty.write(dir.resolve("db"));
        long leaf = empty.bucketRoot("key");
        long top = empty.pgid() - 2;
        long middle = empty.pgid() - 1;
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            keys.add(new byte[] {(byte) (i >> 8), (byte) i});
        }
        FilePatch.bytes(file, empty.offset(top), BoltImage.branchPage(4096, top, keys, Collections.nCopies(200, middle)));
        FilePatch.bytes(file, empty.offset(middle), BoltImage.branchPage(4096, middle, keys, Collections.nCopies(200, leaf)));
        pointBucketAt(file, "key", top);
        String message = failsReading(file).getMessage();
        assertTrue(message.contains("the tree reads more bytes than the data holds"), message);
    }

    @Test
    void treeDeeperThanAnyRealOneIsRefused() {
        BoltImage chain = new BoltImage().persistedFreelist(false).inlineSmallBuckets(false).freePages(70);
        chain.root.bucket("key").put("a", "1");
        Path file = chain.write(dir.resolve("db"));
        long first = chain.pgid() - 70;
        for (long page = first; page < chain.pgid(); page++) {
            long child = page + 1 < chain.pgid() ? page + 1 : chain.bucketRoot("key");
            FilePatch.bytes(file, chain.offset(page), BoltImage.branchPage(4096, page, List.of(bytes("a")), List.of(child)));
        }
        pointBucketAt(file, "key", first);
        assertTrue(failsReading(file).getMessage().contains("tree deeper than 64 levels"));
        try (BoltFile bolt = BoltFile.open(file)) {
            BoltException e = assertThrows(BoltException.class, () -> bolt.bucket("key").get(bytes("a")));
            assertTrue(e.getMessage().contains("tree deeper than 64 levels"), "point lookups are bounded too");
        }
    }

    // --- bucket values ---

    @Test
    void inlineBucketValueTooShort() {
        writeSample();
        long rootLeaf = image.rootPage();
        FilePatch.u32(db, element(rootLeaf, 1) + 12, 20); // "meta": header + 4 bytes of its page
        assertEquals(db + ": page " + rootLeaf + ": inline bucket value too short: 4 bytes after the bucket header",
                failsReading(db).getMessage());
    }

    @Test
    void bucketValueShorterThanItsHeader() {
        writeSample();
        long rootLeaf = image.rootPage();
        FilePatch.u32(db, element(rootLeaf, 1) + 12, 8);
        assertTrue(failsReading(db).getMessage().endsWith(
                "bucket \"meta\": value of 8 bytes is shorter than the 16-byte bucket header"));
    }

    @Test
    void inlineBucketPageThatIsNoLeaf() throws Exception {
        writeSample();
        long flags;
        try (BoltFile bolt = BoltFile.open(db)) {
            flags = valueOffset(bolt.root(), "meta") + 16 + 8;
        }
        FilePatch.u16(db, flags, PageType.BRANCH);
        assertTrue(failsReading(db).getMessage().endsWith("inline bucket: page type is branch (flags 0x1), expected leaf"));
    }

    @Test
    void inlineBucketElementPointsPastTheValue() throws Exception {
        writeSample();
        long value;
        try (BoltFile bolt = BoltFile.open(db)) {
            value = valueOffset(bolt.root(), "meta");
        }
        FilePatch.u32(db, value + 16 + 16 + 12, 500); // vsize of its one element
        assertTrue(failsReading(db).getMessage().endsWith("inline bucket: leaf element 0 points past the page"));
    }

    // --- helpers ---

    private static long valueOffset(Bucket bucket, String key) {
        Cursor cursor = bucket.cursor(bytes(key));
        assertTrue(cursor.next());
        return cursor.valueOffset();
    }

    /** Rewrites the root page in a top-level bucket's header. */
    private static void pointBucketAt(Path file, String bucket, long page) {
        long header;
        try (BoltFile bolt = BoltFile.open(file)) {
            header = valueOffset(bolt.root(), bucket);
        }
        FilePatch.u64(file, header, page);
    }

    static BoltException failsToOpen(Path file) {
        BoltException e = assertThrows(BoltException.class, () -> BoltFile.open(file).close());
        assertOneLineNaming(file, e);
        return e;
    }

    /** Opens {@code file} and reads every bucket, key and value: it must fail, in time. */
    static BoltException failsReading(Path file) {
        BoltException e = assertTimeoutPreemptively(NO_HANG, () -> assertThrows(BoltException.class, () -> {
            try (BoltFile bolt = BoltFile.open(file)) {
                readEverything(bolt.root());
            }
        }));
        assertOneLineNaming(file, e);
        return e;
    }

    static void readEverything(Bucket bucket) {
        Cursor cursor = bucket.cursor();
        while (cursor.next()) {
            byte[] key = cursor.key();
            cursor.value();
            if (cursor.isBucket()) {
                Bucket child = bucket.bucket(key);
                if (child != null) { // a damaged branch key can hide from a lookup what a scan lists
                    readEverything(child);
                }
            } else {
                bucket.get(key);
            }
        }
    }

    private static void assertOneLineNaming(Path file, BoltException e) {
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}
