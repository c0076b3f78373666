package io.regshift.cli;

import io.regshift.etcd.KeyRange;
import io.regshift.etcd.ReadView;
import io.regshift.kube.RegistryKeys;
import io.regshift.kube.RegistryPrefix;
import io.regshift.kube.ResourceCatalog;
import io.regshift.select.Selection;
import io.regshift.sink.EntryRewrite;
import io.regshift.sink.SnapshotPipeline;
import io.regshift.source.Source;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** What rewrite -f and backup -f FILE.db with a selection share: select, rewrite, write, report. */
final class SnapshotWrite {
  private SnapshotWrite() {}

  static int run(Source src, ReadView view, Selection selection, String prefix, EntryRewrite rewrite,
      SnapshotPipeline.Options options, Path file, PrintWriter err) {
    ResourceCatalog catalog = ResourceCatalog.builtin();
    KeyRange range = selection.includesKeysOutsidePrefix() ? KeyRange.all()
        : KeyRange.prefix(RegistryPrefix.keyBase(prefix));
    boolean everything = selection.keepsEverything();
    Progress progress = Progress.forTerminal(err, "written");
    SnapshotPipeline.Result r;
    try {
      r = SnapshotPipeline.write(src, view, range,
          key -> everything || selection.matches(RegistryKeys.parse(new String(key, StandardCharsets.UTF_8), prefix, catalog)),
          rewrite, options, file, progress::tick);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    } finally {
      progress.done();
    }
    var s = r.summary();
    StringBuilder line = new StringBuilder(String.format("regshift: wrote %s", BackupCommand.count(s.puts(), "key")));
    if (s.tombstones() > 0) {
      line.append(String.format(" and %s", BackupCommand.count(s.tombstones(), "deletion")));
    }
    line.append(String.format(" of %s at revision %d to %s (%s, %s); etcd resumes after revision %d",
        src.name(), r.revision(), file, StatsCommand.bytes(s.fileSize()), BackupCommand.count(s.leases(), "lease"), r.head()));
    if (r.compacted() > 0) {
      line.append(", compacted at ").append(r.compacted());
    }
    if (r.dropped() > 0) {
      line.append("; ").append(BackupCommand.count(r.dropped(), "record")).append(" left out by the rewrite");
    }
    err.println(line.append("; verified"));
    if (s.missingLeases() > 0) {
      err.println("regshift: warning: keys refer to " + BackupCommand.count(s.missingLeases(), "lease") + " that "
          + src.name() + " cannot give (only a database file holds leases); etcd keeps those keys without expiry");
    }
    return Main.OK;
  }
}
