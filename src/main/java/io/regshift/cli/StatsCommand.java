package io.regshift.cli;

import io.regshift.bolt.BoltChecker;
import io.regshift.bolt.BoltFile;
import io.regshift.crypto.EncryptionConfig;
import io.regshift.etcd.BackendMeta;
import io.regshift.etcd.EtcdDatabase;
import io.regshift.etcd.SnapshotStatus;
import io.regshift.kube.Json;
import io.regshift.kube.RegistryStats;
import io.regshift.kube.ResourceCatalog;
import io.regshift.source.SnapshotSource;
import io.regshift.source.Source;
import io.regshift.etcd.ClusterInfo;
import io.regshift.etcd.EntryReader;
import io.regshift.etcd.KeyRange;
import io.regshift.etcd.MvccEntry;
import io.regshift.etcd.ReadView;
import io.regshift.source.LiveSource;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code regshift stats}: what etcdutl snapshot status says, and what the keyspace holds. */
@Command(name = "stats", description = {
    "Summarise SOURCE: etcdutl snapshot status' hash, revision, total keys and size, then compaction,",
    "storage and cluster versions, members, trailer, integrity, and per resource: live objects and bytes,",
    "stored revisions and bytes, tombstones; the largest objects; encodings of live values; encryption at rest",
    "per resource (plaintext, encrypted per provider and key; with --encryption-config, stale and missing keys).",
    "On a live etcd or an archive: what can be known there: revision (and compaction revision, live), cluster,",
    "and per resource the live objects and bytes, the largest objects, encodings, encryption at rest."})
final class StatsCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SOURCE", description = "etcd snapshot or member db file, regshift archive (.tar.gz), or live etcd: etcd://host:port,... (etcds:// for TLS).")
  String source;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "table (default) or json.")
  StatsFormat output;

  @picocli.CommandLine.Mixin PrefixOption prefixOption;
  @picocli.CommandLine.Mixin EncryptionOptions encryption;

  @Option(names = "--verify-trailer", description = "Also check the snapshot's SHA-256 trailer (reads the file twice; verify always does).")
  boolean verifyTrailer;

  @Mixin ConnectionOptions connection;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    EncryptionConfig config = encryption.config();
    try (Source src = connection.open(source, prefixOption.prefix)) {
      if (!(src instanceof SnapshotSource snapshot)) {
        return liveValues(src, out, config);
      }
      EtcdDatabase db = snapshot.database();
      BoltFile file = db.file();
      // etcdutl runs the page-graph check before the hash; ours runs beside it on the other core
      CompletableFuture<List<String>> check = CompletableFuture.supplyAsync(() -> BoltChecker.check(file));
      // the trailer's SHA-256 costs a second read of the whole file; verify checks it
      CompletableFuture<Boolean> trailer = CompletableFuture.completedFuture(
          verifyTrailer ? (file.trailer().present() ? file.trailer().verify() : null) : null);
      RegistryStats stats = new RegistryStats(prefixOption.prefix, ResourceCatalog.builtin());
      SnapshotStatus status = SnapshotStatus.compute(file, stats::revision);
      stats.finish();
      BackendMeta meta = db.meta();
      Map<String, Object> doc = document(db, status, meta, stats, file.trailer().present(), trailer.join(), check.join());
      List<RegistryStats.AtRestRow> atRest = stats.atRest(config);
      doc.put("atRest", atRestRows(atRest));
      List<String> findings = EncryptionFindings.of(atRest, config);
      doc.put("findings", findings);
      if (output == StatsFormat.json) {
        out.print(Json.writeRecord(doc, true) + "\n");
      } else {
        printTables(out, doc, stats);
        printAtRest(out, atRest, config, findings);
      }
      out.flush();
      List<?> problems = (List<?>) doc.get("integrityProblems");
      Boolean trailerOk = trailer.join();
      if (!problems.isEmpty() || Boolean.FALSE.equals(trailerOk) || stats.badRecords() > 0) {
        spec.commandLine().getErr().println("regshift: " + source + ": the file is not sound; run `regshift verify "
            + source + "` for the problems");
        return Main.SOME_FAILED;
      }
      return Main.OK;
    }
  }

  /** Statistics of a source without stored revisions: one pass over the live values of every key. */
  private int liveValues(Source src, PrintWriter out, EncryptionConfig config) {
    RegistryStats stats = new RegistryStats(prefixOption.prefix, ResourceCatalog.builtin());
    Progress progress = Progress.forTerminal(spec.commandLine().getErr(), "read");
    long count = 0;
    try (EntryReader r = src.read(ReadView.latest(), KeyRange.all(), k -> true)) {
      for (MvccEntry e = r.next(); e != null; e = r.next()) {
        stats.liveEntry(e.key(), e.value(), e.modRevision());
        progress.tick(++count, e.value().length);
      }
    } finally {
      progress.done();
    }
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("source", src.name());
    d.put("revision", src.headRevision());
    if (src instanceof LiveSource live) {
      d.put("compactRevision", live.compactRevision());
    }
    ClusterInfo cluster = src.cluster();
    d.put("clusterId", cluster.clusterId());
    List<Object> members = new ArrayList<>();
    for (ClusterInfo.Member m : cluster.members()) {
      Map<String, Object> mm = new LinkedHashMap<>();
      mm.put("id", m.id());
      mm.put("name", m.name());
      mm.put("peerURLs", new ArrayList<Object>(m.peerUrls()));
      mm.put("clientURLs", new ArrayList<Object>(m.clientUrls()));
      mm.put("isLearner", m.learner());
      members.add(mm);
    }
    d.put("members", members);
    d.put("keys", count);
    d.put("resources", resourceRows(stats, false));
    d.put("largest", largest(stats));
    d.put("encodings", new LinkedHashMap<String, Object>(stats.encodings()));
    List<RegistryStats.AtRestRow> atRest = stats.atRest(config);
    d.put("atRest", atRestRows(atRest));
    List<String> findings = EncryptionFindings.of(atRest, config);
    d.put("findings", findings);
    if (output == StatsFormat.json) {
      out.print(Json.writeRecord(d, true) + "\n");
    } else {
      Table info = new Table("FIELD", "VALUE");
      info.add("source", src.name());
      info.add("revision", Long.toString(src.headRevision()));
      if (d.containsKey("compactRevision")) {
        info.add("compaction revision", d.get("compactRevision").toString());
      }
      info.add("cluster id", str(cluster.clusterId()));
      for (ClusterInfo.Member m : cluster.members()) {
        info.add("member", m.id() + " " + m.name() + " " + String.join(",", m.clientUrls()) + (m.learner() ? " (learner)" : ""));
      }
      info.add("keys", Long.toString(count));
      info.print(out);
      out.println();
      Table res = new Table("RESOURCE", "OBJECTS", "BYTES");
      for (RegistryStats.ResourceRow r : stats.resources()) {
        res.add(r.resource(), Long.toString(r.objects()), bytes(r.bytes()));
      }
      res.print(out);
      out.println();
      printLargestAndEncodings(out, stats);
      printAtRest(out, atRest, config, findings);
    }
    out.flush();
    return Main.OK;
  }

  /** Per resource: live objects and bytes, and where a file has them, stored revisions and tombstones. */
  private static List<Object> resourceRows(RegistryStats stats, boolean withRevisions) {
    List<Object> rows = new ArrayList<>();
    for (RegistryStats.ResourceRow r : stats.resources()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("resource", r.resource());
      m.put("group", r.group());
      m.put("objects", r.objects());
      m.put("bytes", r.bytes());
      if (withRevisions) {
        m.put("revisions", r.revisions());
        m.put("revisionBytes", r.revisionBytes());
        m.put("tombstones", r.tombstones());
      }
      rows.add(m);
    }
    return rows;
  }

  private static List<Object> largest(RegistryStats stats) {
    List<Object> largest = new ArrayList<>();
    for (RegistryStats.Largest l : stats.largest()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("key", l.key());
      m.put("size", l.size());
      m.put("modRevision", l.modRevision());
      largest.add(m);
    }
    return largest;
  }

  private static Map<String, Object> document(EtcdDatabase db, SnapshotStatus status, BackendMeta meta,
      RegistryStats stats, boolean trailerPresent, Boolean trailerOk, List<String> problems) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("hash", status.hash());
    d.put("revision", status.revision());
    d.put("compactRevision", meta.finishedCompactRevision());
    d.put("totalKeys", status.totalKeys());
    d.put("totalSize", status.totalSize());
    d.put("fileSize", db.file().fileSize());
    d.put("storageVersion", meta.storageVersion());
    d.put("clusterVersion", meta.clusterVersion());
    d.put("consistentIndex", meta.consistentIndex());
    d.put("term", meta.term());
    d.put("scheduledCompactRevision", meta.scheduledCompactRevision());
    List<Object> members = new ArrayList<>();
    for (BackendMeta.Member m : meta.members()) {
      Map<String, Object> mm = new LinkedHashMap<>();
      mm.put("id", m.id());
      mm.put("name", m.name());
      mm.put("peerURLs", m.peerUrls());
      mm.put("isLearner", m.learner());
      members.add(mm);
    }
    d.put("members", members);
    d.put("leases", meta.leases());
    d.put("authEnabled", meta.authEnabled());
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("present", trailerPresent);
    t.put("valid", trailerOk);
    if (trailerPresent) {
      t.put("sha256", HexFormat.of().formatHex(db.file().trailer().stored()));
    }
    d.put("trailer", t);
    d.put("integrityProblems", problems);
    d.put("resources", resourceRows(stats, true));
    d.put("largest", largest(stats));
    d.put("encodings", new LinkedHashMap<String, Object>(stats.encodings()));
    return d;
  }

  @SuppressWarnings("unchecked")
  private static void printTables(PrintWriter out, Map<String, Object> d, RegistryStats stats) {
    Table head = new Table("HASH", "REVISION", "TOTAL KEYS", "TOTAL SIZE");
    head.add(Long.toHexString((Long) d.get("hash")), d.get("revision").toString(), d.get("totalKeys").toString(),
        bytes((Long) d.get("totalSize")));
    head.print(out);
    out.println();
    Map<String, Object> trailer = (Map<String, Object>) d.get("trailer");
    List<String> problems = (List<String>) d.get("integrityProblems");
    Table info = new Table("FIELD", "VALUE");
    info.add("compaction revision", d.get("compactRevision").toString());
    info.add("storage version", str(d.get("storageVersion")));
    info.add("cluster version", str(d.get("clusterVersion")));
    info.add("consistent index / term", d.get("consistentIndex") + " / " + d.get("term"));
    for (Object o : (List<Object>) d.get("members")) {
      Map<String, Object> m = (Map<String, Object>) o;
      info.add("member", m.get("id") + " " + m.get("name") + " " + String.join(",", (List<String>) m.get("peerURLs"))
          + (Boolean.TRUE.equals(m.get("isLearner")) ? " (learner)" : ""));
    }
    info.add("leases", d.get("leases").toString());
    info.add("trailer", !Boolean.TRUE.equals(trailer.get("present")) ? "none (a member db, not an etcdctl snapshot)"
        : trailer.get("valid") == null ? "sha256 present (checked by verify or --verify-trailer)"
        : Boolean.TRUE.equals(trailer.get("valid")) ? "sha256 ok" : "sha256 MISMATCH");
    info.add("integrity", problems.isEmpty() ? "ok" : problems.size() + " problem(s), e.g. " + problems.get(0));
    info.add("file size", bytes((Long) d.get("fileSize")));
    info.print(out);
    out.println();
    Table res = new Table("RESOURCE", "OBJECTS", "BYTES", "REVISIONS", "REVISION BYTES", "TOMBSTONES");
    for (RegistryStats.ResourceRow r : stats.resources()) {
      res.add(r.resource(), Long.toString(r.objects()), bytes(r.bytes()), Long.toString(r.revisions()),
          bytes(r.revisionBytes()), Long.toString(r.tombstones()));
    }
    res.print(out);
    out.println();
    printLargestAndEncodings(out, stats);
  }

  private static void printLargestAndEncodings(PrintWriter out, RegistryStats stats) {
    Table big = new Table("LARGEST", "SIZE", "MOD-REV");
    for (RegistryStats.Largest l : stats.largest()) {
      big.add(l.key(), bytes(l.size()), Long.toString(l.modRevision()));
    }
    big.print(out);
    out.println();
    Table enc = new Table("ENCODING", "OBJECTS");
    stats.encodings().forEach((k, v) -> enc.add(k, v.toString()));
    enc.print(out);
  }

  private static List<Object> atRestRows(List<RegistryStats.AtRestRow> rows) {
    List<Object> out = new ArrayList<>();
    for (RegistryStats.AtRestRow r : rows) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("resource", r.resource());
      m.put("group", r.group());
      m.put("objects", r.objects());
      m.put("plaintext", r.plaintext());
      m.put("encrypted", new LinkedHashMap<String, Object>(r.encrypted()));
      if (r.stale() != null) {
        m.put("stale", r.stale());
        m.put("missingKey", r.missing());
      }
      out.add(m);
    }
    return out;
  }

  /** Per resource: plaintext, encrypted per provider:version:key, and against a config stale and missing keys. */
  private static void printAtRest(PrintWriter out, List<RegistryStats.AtRestRow> rows, EncryptionConfig config, List<String> findings) {
    out.println();
    if (config == null && rows.stream().allMatch(r -> r.encrypted().isEmpty())) {
      // the common case: say it in one line rather than a table of equal columns
      out.println("AT REST: every live value is plaintext (no encryption at rest)");
      findings.forEach(f -> out.println("! " + f));
      return;
    }
    Table t = config == null ? new Table("AT REST", "OBJECTS", "PLAINTEXT", "ENCRYPTED (PROVIDER:VERSION:KEY OBJECTS)")
        : new Table("AT REST", "OBJECTS", "PLAINTEXT", "ENCRYPTED (PROVIDER:VERSION:KEY OBJECTS)", "STALE", "MISSING KEY");
    for (RegistryStats.AtRestRow r : rows) {
      StringBuilder enc = new StringBuilder();
      r.encrypted().forEach((label, n) -> enc.append(enc.length() == 0 ? "" : ", ").append(label).append(' ').append(n));
      if (config == null) {
        t.add(r.resource(), Long.toString(r.objects()), Long.toString(r.plaintext()), enc.toString());
      } else {
        t.add(r.resource(), Long.toString(r.objects()), Long.toString(r.plaintext()), enc.toString(),
            Long.toString(r.stale()), Long.toString(r.missing()));
      }
    }
    t.print(out);
    for (String f : findings) {
      out.println("! " + f);
    }
  }

  private static String str(Object o) {
    return o == null ? "-" : o.toString();
  }

  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format("%.1f %s", v, units[u]);
  }
}
