package io.regshift.cli;

import io.regshift.etcd.MvccEntry;
import io.regshift.kube.ValueCodec;
import io.regshift.rewrite.RewriteException;
import io.regshift.rewrite.Rewriter;
import io.regshift.select.Exclusions;
import io.regshift.select.ObjectSelector;
import java.util.function.Supplier;

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

  static int run(Source src, ReadView view, SelectionOptions selectionOptions, RewriteOptions rewriteOptions, String prefix,
      SnapshotPipeline.Options options, Path file, PrintWriter err) {
    ResourceCatalog catalog = ResourceCatalog.builtin();
    Selection selection = selectionOptions.selection(catalog);
    if (options.keepHistory() && (selectionOptions.labels != null || selectionOptions.portable)) {
      throw new UsageException("--keep-history keeps every revision of a key, deletions included: select keys by what the"
          + " key says (-n, --kind, --name), not by values (-l, --portable), which change from revision to revision");
    }
    if (options.keepHistory() && rewriteOptions.given()) {
      throw new UsageException("--keep-history: the rewrite flags rewrite the latest state; write it with --latest-only");
    }
    rewriteOptions.checkSelection(selectionOptions);
    ObjectSelector selector = selectionOptions.selector(selection, catalog, prefix, ValueCodec.builtin(), err);
    selector.prepare(src, view);
    ObjectSelector counting = selector.with(Exclusions.counting());
    KeyRange range = selection.includesKeysOutsidePrefix() ? KeyRange.all()
        : KeyRange.prefix(RegistryPrefix.keyBase(prefix));
    boolean everything = selection.keepsEverything();
    Progress progress = Progress.forTerminal(err, "written");
    SnapshotPipeline.Result r;
    String rewriteSummary;
    try (RewriteRun rewrite = rewriteOptions.start(ValueCodec.builtin(), prefix, catalog, true)) {
      EntryRewrite hook = new EntryRewrite() {
        @Override
        public MvccEntry apply(MvccEntry e) {
          if (!everything && !e.deleted() && !selector.keep(e, RegistryKeys.parse(e.keyString(), prefix, catalog))) {
            return null;
          }
          if (!rewrite.active()) {
            return e;
          }
          Rewriter.Result result = rewrite.rewriter().rewrite(e);
          rewrite.record(result);
          return result.dropped() ? null : result.output();
        }

        @Override
        public boolean needsSurvey() {
          return rewrite.active();
        }

        @Override
        public void survey(Supplier<MvccEntry> entries) {
          rewrite.rewriter().survey(() -> {
            for (MvccEntry e = entries.get(); e != null; e = entries.get()) {
              if (everything || counting.keep(e, RegistryKeys.parse(e.keyString(), prefix, catalog))) {
                return e;
              }
            }
            return null;
          });
        }
      };
      try {
        r = SnapshotPipeline.write(src, view, range,
            key -> everything || selection.matches(RegistryKeys.parse(new String(key, StandardCharsets.UTF_8), prefix, catalog)),
            hook, options, file, progress::tick);
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      } catch (RewriteException e) {
        throw new UsageException(e.getMessage() + "; nothing written");
      } finally {
        progress.done();
      }
      rewrite.commit();
      rewriteSummary = rewrite.active() ? "; " + rewrite.summary().replaceFirst("^, ", "") : "";
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
      line.append("; ").append(BackupCommand.count(r.dropped(), "record")).append(" left out by the selection or the rewrite");
    }
    err.println(line.append("; verified").append(rewriteSummary).append(selector.exclusions().summaryPart()));
    selector.exclusions().report(err);
    if (s.missingLeases() > 0) {
      err.println("regshift: warning: keys refer to " + BackupCommand.count(s.missingLeases(), "lease") + " that "
          + src.name() + " cannot give (only a database file holds leases); etcd keeps those keys without expiry");
    }
    return Main.OK;
  }
}
