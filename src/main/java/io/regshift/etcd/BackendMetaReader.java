package io.regshift.etcd;

import io.regshift.bolt.BoltFile;
import io.regshift.bolt.Bucket;
import io.regshift.bolt.Cursor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads etcd's bookkeeping buckets (layout: server/storage/schema in etcd-io/etcd). */
final class BackendMetaReader {
  private BackendMetaReader() {}

  static BackendMeta read(BoltFile file) {
    Bucket meta = file.bucket("meta");
    long consistentIndex = 0;
    long term = 0;
    long scheduled = 0;
    long finished = 0;
    String storageVersion = null;
    if (meta != null) {
      consistentIndex = u64(meta.get(bytes("consistent_index")));
      term = u64(meta.get(bytes("term")));
      scheduled = revision(file, meta.get(bytes("scheduledCompactRev")), "scheduledCompactRev");
      finished = revision(file, meta.get(bytes("finishedCompactRev")), "finishedCompactRev");
      byte[] sv = meta.get(bytes("storageVersion"));
      storageVersion = sv == null ? null : EtcdDatabase.utf8(sv);
    }
    String clusterVersion = null;
    Bucket cluster = file.bucket("cluster");
    if (cluster != null) {
      byte[] cv = cluster.get(bytes("clusterVersion"));
      clusterVersion = cv == null ? null : EtcdDatabase.utf8(cv);
    }
    List<BackendMeta.Member> members = new ArrayList<>();
    Bucket m = file.bucket("members");
    if (m != null) {
      Cursor c = m.cursor();
      while (c.next()) {
        members.add(member(EtcdDatabase.utf8(c.key()), c.value()));
      }
    }
    List<String> removed = new ArrayList<>();
    Bucket mr = file.bucket("members_removed");
    if (mr != null) {
      Cursor c = mr.cursor();
      while (c.next()) {
        removed.add(EtcdDatabase.utf8(c.key()));
      }
    }
    long leases = 0;
    Bucket lease = file.bucket("lease");
    if (lease != null) {
      Cursor c = lease.cursor();
      while (c.next()) {
        leases++;
      }
    }
    boolean authEnabled = false;
    Bucket auth = file.bucket("auth");
    if (auth != null) {
      byte[] ae = auth.get(bytes("authEnabled"));
      authEnabled = ae != null && ae.length == 1 && ae[0] == 1;
    }
    return new BackendMeta(consistentIndex, term, scheduled, finished, storageVersion, clusterVersion,
        List.copyOf(members), List.copyOf(removed), leases, authEnabled);
  }

  @SuppressWarnings("unchecked")
  private static BackendMeta.Member member(String id, byte[] json) {
    Map<String, Object> o;
    try {
      o = EtcdDatabase.jsonObject(json);
    } catch (RuntimeException e) {
      return new BackendMeta.Member(id, "", List.of(), false);
    }
    Object urls = o.get("peerURLs");
    List<String> peers = new ArrayList<>();
    if (urls instanceof List<?> l) {
      for (Object u : l) {
        peers.add(String.valueOf(u));
      }
    }
    Object name = o.get("name");
    return new BackendMeta.Member(id, name == null ? "" : name.toString(), List.copyOf(peers),
        Boolean.TRUE.equals(o.get("isLearner")));
  }

  private static long revision(BoltFile file, byte[] b, String what) {
    if (b == null) {
      return 0;
    }
    RevisionKey rk = RevisionKey.parse(b);
    if (rk == null) {
      throw new MvccException(file.path() + ": meta bucket: " + what + " is not a revision (" + b.length + " bytes)");
    }
    return rk.main();
  }

  private static long u64(byte[] b) {
    if (b == null || b.length != 8) {
      return 0;
    }
    return RevisionKey.readLong(b, 0);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }
}
