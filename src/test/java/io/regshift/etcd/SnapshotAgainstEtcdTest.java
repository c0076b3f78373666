package io.regshift.etcd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.PutOption;
import io.regshift.kube.Json;
import io.regshift.testing.EtcdServer;
import io.regshift.testing.Etcdctl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our reading of a snapshot file against etcd itself on the same data: a real etcd takes
 * puts, transactions, a lease, deletes and a compaction; then {@code etcdctl get --rev R} is the
 * truth that our offline read of {@code etcdctl snapshot save}'s file must match at every
 * revision the file can show, and {@code etcdctl snapshot status} the truth for the status.
 */
class SnapshotAgainstEtcdTest {
  @TempDir static Path tmp;
  static EtcdServer server;
  static Etcdctl etcdctl;
  static Path snapshot;
  static long compactedAt;
  static long head;
  static long midRevision;

  @BeforeAll
  static void writeHistoryAndSnapshot() throws Exception {
    server = EtcdServer.start(EtcdServer.Options.defaults());
    etcdctl = new Etcdctl(server.endpoint());
    Random random = new Random(42);
    try (Client client = Client.builder().endpoints(server.endpoint()).build()) {
      KV kv = client.getKVClient();
      long lease = client.getLeaseClient().grant(3600).get(10, TimeUnit.SECONDS).getID();
      for (int i = 0; i < 300; i++) {
        // some values far larger than a page, so that overflow pages are read too
        int size = i % 37 == 0 ? 20_000 + random.nextInt(10_000) : 50 + random.nextInt(400);
        byte[] value = new byte[size];
        random.nextBytes(value);
        kv.put(bs("/registry/configmaps/ns" + (i % 4) + "/cm-" + i), ByteSequence.from(value)).get(10, TimeUnit.SECONDS);
      }
      for (int i = 0; i < 40; i++) {
        kv.put(bs("/registry/configmaps/ns0/cm-" + (i * 4)), bs("update-1-" + i)).get(10, TimeUnit.SECONDS);
      }
      compactedAt = kv.put(bs("/registry/events/ns1/e1"), bs("event"), PutOption.builder().withLeaseId(lease).build())
          .get(10, TimeUnit.SECONDS).getHeader().getRevision();
      for (int i = 0; i < 10; i++) {
        kv.delete(bs("/registry/configmaps/ns1/cm-" + (i * 4 + 1))).get(10, TimeUnit.SECONDS);
      }
      // one transaction, several changes: sub revisions 0..n
      kv.txn().Then(Op.put(bs("/registry/secrets/ns2/a"), bs("A"), PutOption.DEFAULT),
          Op.put(bs("/registry/secrets/ns2/b"), bs("B"), PutOption.DEFAULT),
          Op.delete(bs("/registry/configmaps/ns2/cm-2"), DeleteOption.DEFAULT)).commit().get(10, TimeUnit.SECONDS);
      midRevision = kv.put(bs("compact_rev_key"), bs("1")).get(10, TimeUnit.SECONDS).getHeader().getRevision();
      for (int i = 0; i < 20; i++) {
        kv.put(bs("/registry/configmaps/ns3/cm-" + (i * 4 + 3)), bs("update-2-" + i)).get(10, TimeUnit.SECONDS);
      }
      // delete then re-create: create_revision must restart
      kv.delete(bs("/registry/secrets/ns2/a")).get(10, TimeUnit.SECONDS);
      head = kv.put(bs("/registry/secrets/ns2/a"), bs("A2")).get(10, TimeUnit.SECONDS).getHeader().getRevision();
    }
    etcdctl.run("compact", Long.toString(compactedAt), "--physical");
    snapshot = tmp.resolve("snap.db");
    etcdctl.run("snapshot", "save", snapshot.toString());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void everyRevisionTheFileCanShowMatchesEtcdctlGet() {
    try (EtcdDatabase db = EtcdDatabase.open(snapshot)) {
      assertEquals(head, db.headRevision());
      assertEquals(compactedAt, db.compactRevision());
      for (long rev : new long[] {compactedAt, compactedAt + 3, midRevision, head - 1, head}) {
        assertSameAsEtcd(db, ReadView.at(rev), "--rev=" + rev);
      }
      assertSameAsEtcd(db, ReadView.latest(), null);
    }
  }

  @Test
  void revisionsOutsideTheFileAreRefusedWithTheRangeThatExists() {
    try (EtcdDatabase db = EtcdDatabase.open(snapshot)) {
      MvccException old = assertThrows(MvccException.class, () -> db.read(ReadView.at(compactedAt - 1), KeyRange.all()));
      assertTrue(old.getMessage().contains("compacted"), old.getMessage());
      assertTrue(old.getMessage().contains(snapshot.toString()), old.getMessage());
      MvccException future = assertThrows(MvccException.class, () -> db.read(ReadView.at(head + 1), KeyRange.all()));
      assertTrue(future.getMessage().contains("newer than the head revision " + head), future.getMessage());
    }
  }

  @Test
  void historyHoldsEveryRevisionSinceTheCompactionIncludingDeletesAndRecreation() {
    try (EtcdDatabase db = EtcdDatabase.open(snapshot); EntryReader r = db.read(ReadView.history(), KeyRange.single("/registry/secrets/ns2/a"))) {
      List<MvccEntry> h = drain(r);
      assertEquals(3, h.size());
      assertEquals("A", new String(h.get(0).value(), StandardCharsets.UTF_8));
      assertFalse(h.get(0).deleted());
      assertTrue(h.get(1).deleted());
      assertEquals("A2", new String(h.get(2).value(), StandardCharsets.UTF_8));
      assertEquals(head, h.get(2).createRevision(), "a re-created key starts a new life");
      assertEquals(1, h.get(2).version());
    }
  }

  @Test
  void deletedViewGivesTheLastValueOfKeysDeletedSinceTheCompaction() {
    try (EtcdDatabase db = EtcdDatabase.open(snapshot); EntryReader r = db.read(ReadView.latest().deleted(), KeyRange.prefix("/registry/"))) {
      List<MvccEntry> deleted = drain(r);
      // 10 deletes plus the one in the transaction; the re-created key is live again
      assertEquals(11, deleted.size());
      for (MvccEntry e : deleted) {
        assertTrue(e.deleted());
        assertTrue(e.deleteRevision() > e.modRevision());
        assertTrue(e.value().length > 0, "the last live value is kept");
      }
    }
  }

  @Test
  void statusMatchesEtcdctlSnapshotStatus() {
    Map<?, ?> truth = (Map<?, ?>) Json.parse(etcdctl.run("snapshot", "status", snapshot.toString(), "-w", "json"));
    try (EtcdDatabase db = EtcdDatabase.open(snapshot)) {
      SnapshotStatus s = SnapshotStatus.compute(db.file(), (rk, kv, from, length, off) -> { });
      assertEquals(((Number) truth.get("hash")).longValue(), s.hash());
      assertEquals(((Number) truth.get("revision")).longValue(), s.revision());
      assertEquals(((Number) truth.get("totalKey")).longValue(), s.totalKeys());
      assertEquals(((Number) truth.get("totalSize")).longValue(), s.totalSize());
    }
  }

  @Test
  void aSmallSortBudgetSpillsToDiskAndGivesTheSameOrder() {
    try (EtcdDatabase db = EtcdDatabase.open(snapshot)) {
      List<RevisionRef> refs = new ArrayList<>();
      var c = db.file().bucket("key").cursor();
      Random random = new Random(7);
      while (c.next()) {
        RevisionKey rk = RevisionKey.parse(c.key());
        byte[] key = KeyValueCodec.key(c.value(), 0, c.valueLength());
        // many copies with random keys, enough to pass the 1 MiB minimum budget several times
        for (int i = 0; i < 60; i++) {
          byte[] k = (new String(key, StandardCharsets.UTF_8) + "/" + random.nextInt(1000)).getBytes(StandardCharsets.UTF_8);
          refs.add(new RevisionRef(k, rk.main(), rk.sub(), rk.tombstone(), c.valueOffset(), c.valueLength(), i));
        }
      }
      try (RevisionSorter sorter = new RevisionSorter(1, l -> l)) {
        refs.forEach(sorter::add);
        assertTrue(sorter.spillCount() > 1, "expected spills, got " + sorter.spillCount());
        List<RevisionRef> sorted = new ArrayList<>();
        sorter.sorted().forEachRemaining(sorted::add);
        List<RevisionRef> expected = new ArrayList<>(refs);
        expected.sort(RevisionRef.ORDER);
        assertEquals(expected.size(), sorted.size());
        for (int i = 0; i < expected.size(); i++) {
          assertEquals(0, RevisionRef.ORDER.compare(expected.get(i), sorted.get(i)), "at " + i);
        }
      }
    }
  }

  private static void assertSameAsEtcd(EtcdDatabase db, ReadView view, String revFlag) {
    List<String> args = new ArrayList<>(List.of("get", "", "--prefix", "-w", "json"));
    if (revFlag != null) {
      args.add(revFlag);
    }
    Map<?, ?> resp = (Map<?, ?>) Json.parse(etcdctl.run(args.toArray(String[]::new)));
    List<?> kvs = resp.get("kvs") == null ? List.of() : (List<?>) resp.get("kvs");
    List<MvccEntry> ours;
    try (EntryReader r = db.read(view, KeyRange.all())) {
      ours = drain(r);
    }
    assertEquals(kvs.size(), ours.size(), "key count " + view);
    for (int i = 0; i < kvs.size(); i++) {
      Map<?, ?> t = (Map<?, ?>) kvs.get(i);
      MvccEntry e = ours.get(i);
      assertArrayEquals(Base64.getDecoder().decode((String) t.get("key")), e.key(), view + " key " + i);
      byte[] value = t.get("value") == null ? new byte[0] : Base64.getDecoder().decode((String) t.get("value"));
      assertArrayEquals(value, e.value(), view + " value of " + e.keyString());
      assertEquals(num(t.get("create_revision")), e.createRevision(), e.keyString());
      assertEquals(num(t.get("mod_revision")), e.modRevision(), e.keyString());
      assertEquals(num(t.get("version")), e.version(), e.keyString());
      assertEquals(num(t.get("lease")), e.lease(), e.keyString());
    }
  }

  private static long num(Object o) {
    return o == null ? 0 : ((Number) o).longValue();
  }

  static List<MvccEntry> drain(EntryReader r) {
    List<MvccEntry> out = new ArrayList<>();
    for (MvccEntry e = r.next(); e != null; e = r.next()) {
      out.add(e);
    }
    return out;
  }

  private static ByteSequence bs(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

}
