package io.regshift.bolt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reads from a memory mapping and reads through the FileChannel see the same file: the same
 * entries at the same offsets, the same page-check problems (the check reads leaves without their
 * values when mapped), and a file that shrinks under a mapping fails with a one-line error.
 */
class MappedReadsTest {

    private static final Path SHARED = Path.of("..", "shared", "test-data", "etcd-snapshots");

    private static Path file(String name) {
        if (name.startsWith("test-data/")) {
            return Path.of(name);
        }
        Assumptions.assumeTrue(Files.isDirectory(SHARED),
                "etcd database files not found at " + SHARED.toAbsolutePath().normalize() + " (../shared is absent): skipped");
        return SHARED.resolve(name);
    }

    /** Every entry of every top-level bucket as "bucket key value offset", or the scan's error. */
    private static List<String> scan(BoltFile file) {
        List<String> out = new ArrayList<>();
        HexFormat hex = HexFormat.of();
        try {
            Cursor buckets = file.root().cursor();
            while (buckets.next()) {
                byte[] name = buckets.key();
                Cursor c = file.root().bucket(name).cursor();
                while (c.next()) {
                    byte[][] value = new byte[1][];
                    c.value((a, off, len) -> value[0] = java.util.Arrays.copyOfRange(a, off, off + len));
                    out.add(new String(name) + " " + hex.formatHex(c.key()) + " " + hex.formatHex(value[0])
                            + " " + c.valueOffset());
                }
            }
        } catch (BoltException e) {
            out.add("error: " + e.getMessage());
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"test-data/demo-cluster.db", "gke-etcd32-member.db", "etcd35-snapshot.db",
            "etcd31-aggregated-json-member.db", "corrupted-backup.db"})
    void mappedAndChannelReadsAgree(String name) {
        Path path = file(name);
        try (BoltFile mapped = BoltFile.open(path); BoltFile channel = BoltFile.open(path, false)) {
            assertTrue(mapped.nodes().file().mapped());
            assertFalse(channel.nodes().file().mapped());
            List<String> entries = scan(mapped);
            assertFalse(entries.isEmpty());
            assertEquals(scan(channel), entries);
            assertEquals(BoltChecker.check(channel), BoltChecker.check(mapped));
        }
    }

    @Test
    void theCheckFindsTheSameDamageInLeavesReadWithoutTheirValues(@TempDir Path dir) throws IOException {
        Path db = dir.resolve("damaged.db");
        Files.copy(Path.of("test-data/demo-cluster.db"), db);
        // swap the first two keys of the key bucket's first leaf: order is checked on keys alone
        long leafPage;
        try (BoltFile file = BoltFile.open(db)) {
            Cursor c = file.bucket("key").cursor();
            c.next();
            leafPage = c.valueOffset() / file.pageSize();
        }
        long at = leafPage * 4096;
        byte[] page = new byte[4096];
        try (var in = java.nio.channels.FileChannel.open(db)) {
            in.read(java.nio.ByteBuffer.wrap(page), at);
        }
        int count = LittleEndian.u16(page, 10);
        assertTrue(count >= 2);
        // element i: flags u32, pos u32, ksize u32, vsize u32; pos counts from the element
        long key0 = 16 + LittleEndian.u32(page, 16 + 4);
        long key1 = 32 + LittleEndian.u32(page, 32 + 4);
        byte[] first = java.util.Arrays.copyOfRange(page, (int) key0, (int) key0 + 17);
        byte[] second = java.util.Arrays.copyOfRange(page, (int) key1, (int) key1 + 17);
        FilePatch.bytes(db, at + key0, second);
        FilePatch.bytes(db, at + key1, first);
        try (BoltFile mapped = BoltFile.open(db); BoltFile channel = BoltFile.open(db, false)) {
            List<String> problems = BoltChecker.check(mapped);
            assertFalse(problems.isEmpty());
            assertTrue(problems.get(0).contains("needs to be > (found <) than previous element"), problems.get(0));
            assertEquals(BoltChecker.check(channel), problems);
        }
    }

    @Test
    void aFileThatShrinksUnderTheMappingFailsWithOneLineNamingIt(@TempDir Path dir) throws IOException {
        Path db = dir.resolve("shrinking.db");
        Files.copy(Path.of("test-data/demo-cluster.db"), db);
        String error = null;
        try (BoltFile file = BoltFile.open(db)) {
            assertTrue(file.nodes().file().mapped());
            long size = file.fileSize();
            FilePatch.truncate(db, 8192);
            // the fault is synchronous (BoltException) or, from compiled code, raised soon after the read
            try {
                for (int i = 0; i < 1000; i++) {
                    file.read(size - 4096, 4096);
                }
            } catch (BoltException e) {
                error = e.getMessage();
            } catch (InternalError e) {
                error = BoltFile.mappedReadFault(e);
            }
        }
        assertTrue(error != null && error.contains(db.toString()), error);
        assertTrue(error.contains("shrank"), error);
    }

    @Test
    void aFaultNamesAFileWhileAnyOfItsOpeningsIsOpen(@TempDir Path dir) throws IOException {
        Path db = dir.resolve("twice.db");
        Files.copy(Path.of("test-data/demo-cluster.db"), db);
        InternalError fault = new InternalError("a fault occurred in an unsafe memory access operation");
        BoltFile first = BoltFile.open(db);
        try (BoltFile second = BoltFile.open(db)) {
            first.close();
            first.close(); // closing twice does not forget the other opening
            String named = BoltFile.mappedReadFault(fault);
            assertTrue(named != null && named.contains(db.toString()), named);
        }
        String after = BoltFile.mappedReadFault(fault);
        assertTrue(after == null || !after.contains(db.toString()), after);
    }
}
