package io.regshift.bolt;

import static io.regshift.bolt.BoltImage.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The page-graph check on files damaged in one known way each: exactly that problem is reported. */
class BoltCheckerTest {

    @TempDir Path dir;

    private BoltImage image;
    private Path db;

    /** 40 keys in nodes of 4 (ten leaves, two branch levels), a nested bucket, 3 free pages. */
    private void writeSample(boolean persistedFreelist) {
        image = new BoltImage().maxEntriesPerNode(4).persistedFreelist(persistedFreelist).freePages(3);
        BoltImage.Tree key = image.root.bucket("key");
        for (int i = 0; i < 40; i++) {
            key.put(String.format("k%03d", i), i == 20 ? "x".repeat(9000) : "value-" + i);
        }
        BoltImage.Tree outer = image.root.bucket("outer");
        outer.bucket("small").put("b", "2").put("a", "1");
        for (int i = 0; i < 30; i++) {
            outer.bucket("paged").put(String.format("p%02d", i), "value " + i + " padded past a quarter page");
        }
        db = image.write(dir.resolve("db"));
    }

    private List<String> check() {
        try (BoltFile file = BoltFile.open(db)) {
            return BoltChecker.check(file);
        }
    }

    private long keyRoot() {
        return image.bucketRoot("key");
    }

    /** The branch above the first four leaves. */
    private long lowerBranch() {
        return image.branchPages("key").get(0);
    }

    private long leaf(int i) {
        return image.leafPages("key").get(i);
    }

    private long element(long page, int i) {
        return image.offset(page) + 16 + 16L * i;
    }

    private long firstFree() {
        return image.pgid() - 3;
    }

    private long freelistId(int i) {
        return image.offset(image.freelistPage()) + 16 + 8L * i;
    }

    /** Where key {@code i} of a leaf starts. */
    private long leafKey(long page, int i) {
        try (BoltFile file = BoltFile.open(db)) {
            long element = element(page, i);
            byte[] pos = file.read(element + 4, 4);
            return element + LittleEndian.u32(pos, 0);
        }
    }

    private String stackTo(long page) {
        return "[" + keyRoot() + " " + lowerBranch() + " " + page + "]";
    }

    @ParameterizedTest(name = "persisted freelist: {0}")
    @ValueSource(booleans = {true, false})
    void soundFileHasNoProblems(boolean persistedFreelist) {
        writeSample(persistedFreelist);
        assertTrue(image.bucketRoot("outer/paged") > 0 && image.bucketRoot("outer/small") == 0,
                "the sample has a paged and an inline nested bucket");
        assertEquals(List.of(), check());
    }

    @Test
    void pageFreedTwice() {
        writeSample(true);
        FilePatch.u64(db, freelistId(1), firstFree());
        assertEquals(List.of(
                "page " + firstFree() + ": already freed",
                "page " + (firstFree() + 1) + ": unreachable unfreed"), check());
    }

    @Test
    void freedPageStillInTheTree() {
        writeSample(true);
        FilePatch.u64(db, freelistId(0), leaf(2));
        assertEquals(List.of(
                "page " + leaf(2) + ": reachable freed",
                "page " + firstFree() + ": unreachable unfreed"), check());
    }

    @Test
    void pageNeitherReachableNorFree() {
        writeSample(true);
        FilePatch.u16(db, image.offset(image.freelistPage()) + 10, 2); // forget the last free page
        assertEquals(List.of("page " + (firstFree() + 2) + ": unreachable unfreed"), check());
    }

    @Test
    void pageReferencedTwice() {
        writeSample(true);
        FilePatch.u64(db, element(lowerBranch(), 1) + 8, leaf(0));
        assertEquals(List.of(
                "page " + leaf(0) + ": multiple references (stack: " + stackTo(leaf(0)) + ")",
                "page " + leaf(1) + ": unreachable unfreed"), check());
    }

    @Test
    void pageReferencedTwiceWithoutAFreelistIsStillFound() {
        writeSample(false);
        FilePatch.u64(db, element(lowerBranch(), 1) + 8, leaf(0));
        assertEquals(List.of("page " + leaf(0) + ": multiple references (stack: " + stackTo(leaf(0)) + ")"), check(),
                "the orphaned leaf counts as free when the freelist is rebuilt");
    }

    @Test
    void cycleIsReportedOnceAndTheCheckEnds() {
        writeSample(true);
        FilePatch.u64(db, element(lowerBranch(), 1) + 8, keyRoot());
        assertEquals(List.of(
                "page " + keyRoot() + ": multiple references (stack: " + stackTo(keyRoot()) + ")",
                "page " + leaf(1) + ": unreachable unfreed"), check());
    }

    @Test
    void leafKeysNotStrictlyIncreasing() {
        writeSample(true);
        FilePatch.bytes(db, leafKey(leaf(0), 1), bytes("k000"));
        assertEquals(List.of("key[1]=(hex)6b303030 on leaf page(" + leaf(0) + ") needs to be > (found =) than previous"
                + " element (hex)6b303030. Stack: " + stackTo(leaf(0))), check());
    }

    @Test
    void leafKeyBelowItsBranchKey() {
        writeSample(true);
        FilePatch.bytes(db, leafKey(leaf(1), 0), bytes("k003")); // the branch says leaf 1 starts at k004
        assertEquals(List.of("key[0]=(hex)6b303033 on leaf page(" + leaf(1) + ") needs to be >= to the key in the"
                + " ancestor. Stack: " + stackTo(leaf(1))), check());
    }

    @Test
    void leafKeyAtOrAfterTheNextBranchKey() {
        writeSample(true);
        FilePatch.bytes(db, leafKey(leaf(0), 3), bytes("k005"));
        assertEquals(List.of("key[3]=(hex)6b303035 on leaf page(" + leaf(0) + ") needs to be < than key of the next"
                + " element in ancestor (hex)6b303034. Pages stack: " + stackTo(leaf(0))), check());
    }

    @Test
    void treePageOfTheWrongType() {
        writeSample(true);
        FilePatch.u16(db, image.offset(leaf(2)) + 8, PageType.META);
        assertEquals(List.of("page " + leaf(2) + ": invalid type: meta (stack: " + stackTo(leaf(2)) + ")"), check());
    }

    @Test
    void childOutOfBounds() {
        writeSample(true);
        FilePatch.u64(db, element(lowerBranch(), 2) + 8, image.pgid() + 7);
        assertEquals(List.of(
                "page " + (image.pgid() + 7) + ": out of bounds: " + image.pgid() + " (stack: " + stackTo(image.pgid() + 7) + ")",
                "page " + leaf(2) + ": unreachable unfreed"), check());
    }

    @Test
    void pageWhoseIdFieldIsWrong() {
        writeSample(true);
        FilePatch.u64(db, image.offset(leaf(3)), 999);
        assertEquals(List.of("page " + leaf(3) + ": id field says 999 (stack: " + stackTo(leaf(3)) + ")"), check());
    }

    @Test
    void unreadableNodeIsReportedWithItsStack() {
        writeSample(true);
        FilePatch.u32(db, element(leaf(0), 2) + 4, 9999);
        assertEquals(List.of("page " + leaf(0) + ": leaf element 2 points past the page (stack: " + stackTo(leaf(0)) + ")"),
                check());
    }

    @Test
    void nestedBucketPagesAreChecked() {
        writeSample(true);
        long pagedRoot = image.bucketRoot("outer/paged");
        long pagedLeaf = image.leafPages("outer/paged").get(0);
        long pagedBranch = image.branchPages("outer/paged").get(0);
        FilePatch.u64(db, element(pagedBranch, 1) + 8, pagedLeaf);
        assertEquals(List.of(
                "page " + pagedLeaf + ": multiple references (stack: [" + pagedRoot + " " + pagedBranch + " " + pagedLeaf + "])",
                "page " + image.leafPages("outer/paged").get(1) + ": unreachable unfreed"), check());
    }

    @Test
    void inlineBucketKeysAreChecked() {
        writeSample(true);
        long keyA;
        try (BoltFile file = BoltFile.open(db)) {
            Cursor cursor = file.bucket("outer").bucket("small").cursor();
            cursor.next();
            keyA = cursor.valueOffset() - 1;
        }
        FilePatch.bytes(db, keyA, bytes("c")); // "a" becomes "c", before "b"
        long outerLeaf = image.leafPages("outer").get(0);
        assertEquals(List.of("key[1]=(hex)62 on leaf page(" + outerLeaf + ") needs to be > (found <) than previous element"
                + " (hex)63. Stack: [" + outerLeaf + "]"), check(), "the inline bucket lives in its parent's leaf");
    }

    @Test
    void freelistPointingAtATreePage() {
        writeSample(true);
        for (int index = 0; index < 2; index++) {
            FilePatch.meta(db, 4096, index, meta -> meta.putLong(32, leaf(0)));
        }
        List<String> problems = check();
        assertEquals("page " + leaf(0) + ": invalid freelist page: page type is leaf", problems.get(0));
        assertTrue(problems.contains("page " + image.freelistPage() + ": unreachable unfreed"), problems.toString());
    }

    @Test
    void stopsAfterAThousandProblems() {
        image = new BoltImage().freePages(1500);
        image.root.bucket("key").put("a", "1");
        db = image.write(dir.resolve("db"));
        FilePatch.u16(db, image.offset(image.freelistPage()) + 10, 0);
        List<String> problems = check();
        assertEquals(BoltChecker.MAX_PROBLEMS, problems.size());
        assertTrue(problems.stream().allMatch(p -> p.endsWith(": unreachable unfreed")));
    }

    @Test
    void freelistWithMoreThan65534IdsKeepsItsCountInTheBody() {
        image = new BoltImage(512).freePages(70_000);
        image.root.bucket("key").put("a", "1");
        db = image.write(dir.resolve("db"));
        assertEquals(List.of(), check());
        FilePatch.u64(db, image.offset(image.freelistPage()) + 24 + 8 * 69_999, image.pgid() - 2);
        assertEquals(List.of("page " + (image.pgid() - 2) + ": already freed",
                "page " + (image.pgid() - 1) + ": unreachable unfreed"), check());
    }
}
