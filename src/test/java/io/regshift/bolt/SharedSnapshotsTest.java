package io.regshift.bolt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real files written by etcd servers, from ../shared/test-data/etcd-snapshots (read in place,
 * never copied into the project; skipped with a message when ../shared is absent).
 */
class SharedSnapshotsTest {

    private static final Path DIR = Path.of("..", "shared", "test-data", "etcd-snapshots");
    private static final List<String> ETCD_BUCKETS = List.of(
            "alarm", "auth", "authRoles", "authUsers", "cluster", "key", "lease", "members", "members_removed", "meta");

    private static Path shared(String name) {
        Assumptions.assumeTrue(Files.isDirectory(DIR),
                "etcd database files not found at " + DIR.toAbsolutePath().normalize() + " (../shared is absent): skipped");
        return DIR.resolve(name);
    }

    private static List<String> topLevelBuckets(BoltFile file) {
        List<String> names = new ArrayList<>();
        Cursor cursor = file.root().cursor();
        while (cursor.next()) {
            assertTrue(cursor.isBucket());
            names.add(new String(cursor.key()));
        }
        return names;
    }

    private static List<EtcdKeyValue> revisions(BoltFile file) {
        List<EtcdKeyValue> revisions = new ArrayList<>();
        Cursor cursor = file.bucket("key").cursor();
        while (cursor.next()) {
            revisions.add(EtcdKeyValue.parse(cursor.key(), cursor.value()));
        }
        return revisions;
    }

    @ParameterizedTest
    @ValueSource(strings = {"gke-etcd32-member.db", "etcd35-snapshot.db", "etcd31-aggregated-json-member.db",
            "corrupted-backup.db"})
    void everyFileOpensWithEtcdsBuckets(String name) {
        try (BoltFile file = BoltFile.open(shared(name))) {
            assertEquals(4096, file.pageSize());
            assertEquals(ETCD_BUCKETS, topLevelBuckets(file));
            for (String bucket : ETCD_BUCKETS) {
                assertTrue(file.bucket(bucket) != null, bucket);
            }
        }
    }

    @Test
    void etcd35SnapshotHasTwelveRevisionsOneTombstoneAndAValidHash() {
        try (BoltFile file = BoltFile.open(shared("etcd35-snapshot.db"))) {
            assertTrue(file.trailer().present());
            assertTrue(file.trailer().verify());
            assertEquals(file.fileSize() - 32, file.dataSize());

            List<EtcdKeyValue> revisions = revisions(file);
            assertEquals(12, revisions.size());
            assertEquals(1, revisions.stream().filter(EtcdKeyValue::tombstone).count());
            long previous = 0;
            for (EtcdKeyValue revision : revisions) {
                assertTrue(revision.main() > previous, "revisions ascend");
                previous = revision.main();
                if (!revision.tombstone()) {
                    assertEquals(revision.main(), revision.modRevision(), "a put records its own revision");
                }
            }
            assertEquals(13, previous, "etcdutl snapshot status reports revision 13");
            assertEquals(3, count(file.bucket("members")));
            assertEquals(List.of(), BoltChecker.check(file));
        }
    }

    @Test
    void gkeMemberDatabaseHoldsKubernetesKeys() {
        try (BoltFile file = BoltFile.open(shared("gke-etcd32-member.db"))) {
            assertFalse(file.trailer().present());
            List<String> keys = revisions(file).stream().map(EtcdKeyValue::key).toList();
            assertEquals(List.of("/registry/namespaces/default", "/registry/pods/default/pi-dqtsw",
                    "/registry/jobs/default/pi", "compact_rev_key"), keys);
            assertTrue(revisions(file).get(0).valueText().startsWith("k8s\0"), "a protobuf-stored object");
        }
    }

    /**
     * This file's metas name page 2 as the freelist, but page 2 is the key bucket's leaf: bbolt
     * itself panics on it ("invalid freelist page: 2, page type is leaf", etcdctl 3.4 snapshot
     * status). Reading does not need the freelist; the check says what is wrong.
     */
    @Test
    void gkeMemberDatabaseFreelistIsNotAFreelist() {
        try (BoltFile file = BoltFile.open(shared("gke-etcd32-member.db"))) {
            assertEquals(2, file.meta().freelist());
            assertEquals(List.of("page 2: invalid freelist page: page type is leaf", "page 3: unreachable unfreed"),
                    BoltChecker.check(file));
        }
    }

    @Test
    void etcd31MemberDatabaseWithAPreallocatedTail() {
        try (BoltFile file = BoltFile.open(shared("etcd31-aggregated-json-member.db"))) {
            assertFalse(file.trailer().present());
            assertEquals(file.fileSize() - 8192, file.dataSize());
            List<EtcdKeyValue> revisions = revisions(file);
            assertEquals(1, revisions.size());
            assertTrue(revisions.get(0).valueText().startsWith("{"), "a JSON-encoded object");
            assertEquals(List.of(), BoltChecker.check(file));
        }
    }

    @Test
    void corruptedBackupFailsTheCheckAsEtcdSays() {
        try (BoltFile file = BoltFile.open(shared("corrupted-backup.db"))) {
            assertEquals(List.of("page 3: already freed", "page 4: unreachable unfreed"), BoltChecker.check(file));
            EtcdKeyValue only = revisions(file).get(0);
            assertEquals("foo", only.key());
            assertEquals("bar", only.valueText());
        }
    }

    private static int count(Bucket bucket) {
        int count = 0;
        Cursor cursor = bucket.cursor();
        while (cursor.next()) {
            count++;
        }
        return count;
    }
}
