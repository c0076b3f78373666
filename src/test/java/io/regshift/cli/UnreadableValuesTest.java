package io.regshift.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regshift.etcd.EntryReader;
import io.regshift.etcd.EtcdDatabase;
import io.regshift.etcd.KeyRange;
import io.regshift.etcd.MvccEntry;
import io.regshift.etcd.ReadView;
import io.regshift.etcd.RevisionEntry;
import io.regshift.etcd.RevisionKey;
import io.regshift.kube.Envelope;
import io.regshift.sink.EtcdSnapshotWriter;
import io.regshift.source.SnapshotSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Values a rule would change but that cannot be read: {@code rewrite -f} finds them while it writes
 * (its file is kept only when complete), {@code backup} to an archive before it writes; both refuse
 * with the same error naming the same values, and leave nothing behind.
 */
class UnreadableValuesTest {
  @TempDir Path tmp;

  @Test
  void rewriteToASnapshotRefusesAsTheFirstPassDoes() throws Exception {
    Path damaged = damagedDemo(tmp.resolve("damaged.db"), 2);
    Path out = tmp.resolve("out.db");
    Path report = tmp.resolve("report.jsonl");
    CliRun rewrite = CliRun.of("rewrite", damaged.toString(), "-f", out.toString(), "--new-uids", "--report", report.toString());
    Path archive = tmp.resolve("out.tar.gz");
    CliRun backup = CliRun.of("backup", damaged.toString(), "-f", archive.toString(), "--new-uids");
    assertEquals(2, rewrite.code(), rewrite.show());
    assertEquals(2, backup.code(), backup.show());
    assertTrue(rewrite.err().startsWith("regshift: 8 objects cannot be rewritten, nothing written: /registry/configmaps/shop/cart-config: "),
        rewrite.show());
    assertTrue(rewrite.err().contains(": --new-uids would rewrite it, but "), rewrite.show());
    assertTrue(rewrite.err().contains("; and 3 more"), rewrite.show());
    assertEquals(1, rewrite.err().split("\n").length, rewrite.show());
    assertEquals(backup.err(), rewrite.err(), "the same values named, in the same words");
    try (var left = Files.list(tmp)) {
      assertEquals(List.of("damaged.db"), left.map(p -> p.getFileName().toString()).toList(), "no file left behind");
    }

    // on a sound file, a rule's own refusal (its plan) is told as it is: no value to name
    CliRun small = CliRun.of("rewrite", "test-data/demo-cluster.db", "-f", out.toString(), "--new-uids", "--service-cidr",
        "10.100.0.0/30");
    assertEquals(2, small.code(), small.show());
    assertTrue(small.err().startsWith("regshift: service-cidr: --service-cidr 10.100.0.0/30 is too small"), small.show());
    assertEquals(1, small.err().split("\n").length, small.show());

    // with the damaged values left out by the selection, the rewrite goes through
    CliRun selected = CliRun.of("rewrite", damaged.toString(), "-f", out.toString(), "--new-uids", "--kind", "secrets,services");
    assertEquals(0, selected.code(), selected.show());
  }

  /**
   * The demo snapshot with every {@code every}-th Deployment, ReplicaSet or Pod value damaged in its status,
   * 7 of them (the first pass, which reads the metadata, finds nothing wrong), and one ConfigMap cut short.
   */
  static Path damagedDemo(Path file, int every) {
    List<MvccEntry> entries = new ArrayList<>();
    try (SnapshotSource src = new SnapshotSource(EtcdDatabase.open(Path.of("test-data/demo-cluster.db")));
         EntryReader r = src.read(ReadView.latest(), KeyRange.all(), k -> true)) {
      for (MvccEntry e = r.next(); e != null; e = r.next()) {
        entries.add(e);
      }
    }
    entries.sort(Comparator.comparingLong(MvccEntry::modRevision));
    int seen = 0;
    int cut = 0;
    try (EtcdSnapshotWriter w = EtcdSnapshotWriter.create(file)) {
      long lastRev = -1;
      int sub = 0;
      for (MvccEntry e : entries) {
        byte[] value = e.value();
        String key = e.keyString();
        if (key.equals("/registry/configmaps/shop/cart-config")) {
          value = java.util.Arrays.copyOf(value, value.length - 5); // the metadata head cannot be read either
        } else if ((key.startsWith("/registry/deployments/") || key.startsWith("/registry/replicasets/")
            || key.startsWith("/registry/pods/")) && Envelope.hasMagic(value)
            && ++seen % every == 0 && cut < 7) {
          value = withBadLastField(value);
          cut++;
        }
        sub = e.modRevision() == lastRev ? sub + 1 : 0;
        lastRev = e.modRevision();
        w.add(new RevisionEntry(new RevisionKey(e.modRevision(), sub, false), new MvccEntry(e.key(), value,
            e.createRevision(), e.modRevision(), e.version(), e.lease(), false, 0)));
      }
      w.finish(new EtcdSnapshotWriter.Bookkeeping(null, 0, 0, 0));
    }
    assertEquals(7, cut);
    return file;
  }

  /**
   * The first field inside the object's last top-level field (its status) given wire type 7, which
   * protobuf does not have: the envelope and the metadata (all that the first pass reads) stay sound.
   */
  private static byte[] withBadLastField(byte[] value) {
    byte[] v = value.clone();
    Envelope env = Envelope.parse(v);
    int pos = env.rawOffset();
    int last = -1;
    while (pos < env.rawOffset() + env.rawLength()) {
      pos++; // a one-byte tag: metadata, spec, data, status
      long length = 0;
      for (int shift = 0; ; shift += 7) {
        byte b = v[pos++];
        length |= (long) (b & 0x7f) << shift;
        if (b >= 0) {
          break;
        }
      }
      last = pos;
      pos += (int) length;
    }
    assertTrue(last > env.rawOffset() + 2, "a field after metadata");
    v[last] = (byte) (v[last] | 7);
    return v;
  }
}
