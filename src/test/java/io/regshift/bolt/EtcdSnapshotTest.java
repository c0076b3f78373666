package io.regshift.bolt;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.regshift.testing.EtcdExtension;
import io.regshift.testing.Etcdctl;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A snapshot made by a real etcd ({@code etcdctl snapshot save}) after thousands of puts (some
 * larger than a page, some in one multi-op transaction), updates and a delete: the reader must
 * find every revision, agree with etcdctl on every live value, seek, and pass the check.
 */
class EtcdSnapshotTest {

    private static final int KEYS = 3000;
    private static final int UPDATED = 300;
    private static final int IN_ONE_TXN = 5;
    private static final String DELETED = key(17);

    @RegisterExtension static EtcdExtension etcd = new EtcdExtension();
    @TempDir static Path dir;

    private static Path snapshot;
    private static Map<String, String> live;
    private static int revisionsWritten;

    private static String key(int i) {
        return String.format("/registry/configmaps/ns%d/cm-%05d", i % 10, i);
    }

    /** Mostly small values; every 100th is larger than a page, so it takes overflow pages. */
    private static String value(int i, String round) {
        return round + " value of " + key(i) + (i % 100 == 0 ? " " + "x".repeat(10_000 + i) : "");
    }

    @BeforeAll
    static void writeAndSnapshot() throws Exception {
        try (Client client = Client.builder().endpoints(etcd.endpoint()).build()) {
            KV kv = client.getKVClient();
            List<CompletableFuture<?>> puts = new ArrayList<>();
            for (int i = 0; i < KEYS; i++) {
                puts.add(kv.put(bytes(key(i)), bytes(value(i, "first"))));
            }
            join(puts);
            puts.clear();
            for (int i = 0; i < UPDATED; i++) {
                puts.add(kv.put(bytes(key(i * 7)), bytes(value(i * 7, "second"))));
            }
            join(puts);
            // one revision, five changes: sub 0..4
            Op[] ops = new Op[IN_ONE_TXN];
            for (int i = 0; i < IN_ONE_TXN; i++) {
                ops[i] = Op.put(bytes("/registry/txn/" + i), bytes("in one txn " + i), PutOption.DEFAULT);
            }
            kv.txn().Then(ops).commit().get(30, TimeUnit.SECONDS);
            kv.delete(bytes(DELETED)).get(30, TimeUnit.SECONDS);
        }
        revisionsWritten = KEYS + UPDATED + IN_ONE_TXN + 1;
        Etcdctl etcdctl = new Etcdctl(etcd.endpoint(), java.time.Duration.ofSeconds(60));
        live = etcdctl.getPrefix("/registry/");
        snapshot = dir.resolve("snapshot.db");
        etcdctl.run("snapshot", "save", snapshot.toString());
    }

    private static void join(List<CompletableFuture<?>> futures) throws Exception {
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, UTF_8);
    }

    /** Every revision key and value of the key bucket, in cursor order. */
    private static List<byte[][]> scan(BoltFile file) {
        List<byte[][]> entries = new ArrayList<>();
        Cursor cursor = file.bucket("key").cursor();
        while (cursor.next()) {
            entries.add(new byte[][] {cursor.key(), cursor.value()});
        }
        return entries;
    }

    @Test
    void everyRevisionIsReadAndTheLatestValuesAreWhatEtcdctlSees() {
        try (BoltFile file = BoltFile.open(snapshot)) {
            assertTrue(file.trailer().present());
            assertTrue(file.trailer().verify());

            List<byte[][]> entries = scan(file);
            assertEquals(revisionsWritten, entries.size());
            Map<String, String> latest = new LinkedHashMap<>();
            int tombstones = 0;
            int largerThanAPage = 0;
            for (byte[][] entry : entries) {
                EtcdKeyValue kv = EtcdKeyValue.parse(entry[0], entry[1]);
                if (kv.tombstone()) {
                    tombstones++;
                    latest.remove(kv.key());
                } else {
                    latest.put(kv.key(), kv.valueText());
                    largerThanAPage += entry[1].length > file.pageSize() ? 1 : 0;
                }
            }
            assertEquals(1, tombstones);
            assertFalse(latest.containsKey(DELETED));
            long largePuts = KEYS / 100 + java.util.stream.IntStream.range(0, UPDATED).filter(i -> i * 7 % 100 == 0).count();
            assertEquals(largePuts, largerThanAPage, "values on overflow pages were read whole");
            assertEquals(live, latest);
            assertEquals(KEYS + IN_ONE_TXN - 1, latest.size());
        }
    }

    @Test
    void theKeyBucketIsAMultiLevelTree() {
        try (BoltFile file = BoltFile.open(snapshot)) {
            long root = file.bucket("key").rootPage();
            assertFalse(file.nodes().read(root, null).isLeaf(), "the key bucket's root is a branch page");
        }
    }

    @Test
    void revisionsOfOneTransactionShareTheirMainRevision() {
        try (BoltFile file = BoltFile.open(snapshot)) {
            List<EtcdKeyValue> txn = scan(file).stream()
                    .map(entry -> EtcdKeyValue.parse(entry[0], entry[1]))
                    .filter(kv -> kv.key().startsWith("/registry/txn/"))
                    .toList();
            assertEquals(IN_ONE_TXN, txn.size());
            for (int i = 0; i < IN_ONE_TXN; i++) {
                assertEquals(txn.get(0).main(), txn.get(i).main());
                assertEquals(i, txn.get(i).sub());
            }
        }
    }

    @Test
    void cursorFromSeeksToEachRevisionAndBetweenThem() {
        try (BoltFile file = BoltFile.open(snapshot)) {
            List<byte[][]> entries = scan(file);
            Bucket bucket = file.bucket("key");
            for (int i = 0; i < entries.size(); i += 97) {
                byte[] revision = entries.get(i)[0];
                Cursor at = bucket.cursor(revision);
                assertTrue(at.next());
                assertArrayEquals(revision, at.key());
                assertArrayEquals(entries.get(i)[1], at.value());

                Cursor after = bucket.cursor(Arrays.copyOf(revision, revision.length + 1)); // just past it
                assertEquals(i + 1 < entries.size(), after.next());
                if (i + 1 < entries.size()) {
                    assertArrayEquals(entries.get(i + 1)[0], after.key());
                }
                assertArrayEquals(entries.get(i)[1], bucket.get(revision));
            }
            byte[] last = entries.get(entries.size() - 1)[0];
            assertFalse(bucket.cursor(Arrays.copyOf(last, last.length + 1)).next());
            assertTrue(bucket.cursor(new byte[0]).next());
        }
    }

    @Test
    void passesTheCheckAndAgreesWithEtcdutlStatus() {
        try (BoltFile file = BoltFile.open(snapshot)) {
            assertEquals(List.of(), BoltChecker.check(file));
            String status = new Etcdctl(etcd.endpoint()).run("snapshot", "status", "--write-out=json", snapshot.toString());
            List<byte[][]> entries = scan(file);
            EtcdKeyValue last = EtcdKeyValue.parse(entries.get(entries.size() - 1)[0], new byte[0]);
            assertEquals(last.main(), jsonNumber(status, "revision"));
            assertEquals(file.dataSize(), jsonNumber(status, "totalSize"));
        }
    }

    private static long jsonNumber(String json, String field) {
        Matcher number = Pattern.compile("\"" + field + "\":(\\d+)").matcher(json);
        assertTrue(number.find(), field + " in " + json);
        return Long.parseLong(number.group(1));
    }
}
