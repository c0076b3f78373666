package io.regshift.cli;

import io.regshift.crypto.EncryptionException;
import io.regshift.crypto.TargetEncryption;
import io.regshift.crypto.WrittenForms;
import io.regshift.etcd.EntryReader;
import io.regshift.etcd.KeyRange;
import io.regshift.etcd.MvccEntry;
import io.regshift.etcd.ReadView;
import io.regshift.kube.RegistryKey;
import io.regshift.kube.RegistryKeys;
import io.regshift.kube.RegistryPrefix;
import io.regshift.kube.ResourceCatalog;
import io.regshift.rewrite.RewriteException;
import io.regshift.rewrite.Rewriter;
import io.regshift.select.Exclusions;
import io.regshift.select.ObjectSelector;
import io.regshift.select.Selection;
import io.regshift.sink.EntryRewrite;
import io.regshift.sink.SnapshotPipeline;
import io.regshift.source.Source;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * What rewrite -f and backup -f FILE.db with a selection share: select, rewrite, encrypt at rest
 * for the target (--target-encryption-config; without it values keep the form they were read in),
 * write, report.
 */
final class SnapshotWrite {
  /** Values that cannot be written as the target needs them, named one per line before the error. */
  private static final int QUOTED_FAILURES = 20;

  private SnapshotWrite() {}

  private static boolean startsWith(byte[] key, byte[] base) {
    return key.length >= base.length && java.util.Arrays.equals(key, 0, base.length, base, 0, base.length);
  }

  static int run(Source src, ReadView view, SelectionOptions selectionOptions, RewriteOptions rewriteOptions,
      EncryptionOptions encryption, TargetEncryptionOptions targetEncryption, String prefix,
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
    encryption.config(); // bad configurations are reported before anything is read
    targetEncryption.config();
    String base = RegistryPrefix.keyBase(prefix);
    byte[] baseBytes = base.getBytes(StandardCharsets.UTF_8);
    KeyRange range = selection.includesKeysOutsidePrefix() ? KeyRange.all() : KeyRange.prefix(base);
    boolean everything = selection.keepsEverything();
    Progress progress = Progress.forTerminal(err, "written");
    WrittenForms forms = new WrittenForms();
    SnapshotPipeline.Result r;
    String rewriteSummary;
    ObjectSelector selector;
    try (EncryptionOptions.Decoding decoding = encryption.open(prefix, catalog);
         TargetEncryption atRest = targetEncryption.open(encryption, base, base, catalog);
         RewriteRun rewrite = rewriteOptions.start(decoding.codec(), prefix, catalog, true)) {
      // the file is kept only when complete: values the rules cannot read are found while writing
      rewrite.rewriter().checkValuesWhileWriting();
      ObjectSelector chosen = selectionOptions.selector(selection, catalog, prefix, decoding.codec(), err);
      selector = chosen;
      chosen.prepare(src, view);
      ObjectSelector counting = chosen.with(Exclusions.counting());
      EntryRewrite hook = new EntryRewrite() {
        @Override
        public MvccEntry apply(MvccEntry e) {
          return prepare(e).commit();
        }

        /** The rules and the sealing cost per object: on every core, recorded in order by commit. */
        @Override
        public boolean parallel() {
          return rewrite.active() || atRest.reEncrypts();
        }

        /**
         * Select, rewrite, seal for the target: thread-safe. What is counted or reported (the
         * selection's exclusions, the rewrite report and summary, the forms written) and any error
         * are kept for the commit, on the writing thread in key order, as a sequential run has them.
         */
        @Override
        public Prepared prepare(MvccEntry e) {
          try {
            RegistryKey key = null;
            Exclusions excluded = null;
            if (!everything && !e.deleted()) {
              key = RegistryKeys.parse(e.keyString(), prefix, catalog);
              excluded = Exclusions.deferred();
              if (!chosen.with(excluded).keep(e, key)) {
                Exclusions log = excluded;
                return () -> {
                  log.replayInto(chosen.exclusions());
                  return null;
                };
              }
            }
            Rewriter.Result result = rewrite.active() ? rewrite.rewriter().rewrite(e) : null;
            MvccEntry out = result == null ? e : result.output();
            TargetEncryption.Written w = out == null ? null : atRest(e, out, out == e ? key : null);
            MvccEntry stored = w == null || w.value() == out.value() ? out : new MvccEntry(out.key(), w.value(),
                out.createRevision(), out.modRevision(), out.version(), out.lease(), out.deleted(), out.deleteRevision());
            Exclusions log = excluded;
            return () -> {
              if (log != null) {
                log.replayInto(chosen.exclusions());
              }
              if (result != null) {
                rewrite.record(result);
              }
              if (w != null) {
                forms.add(w);
              }
              return stored;
            };
          } catch (RuntimeException x) {
            return () -> {
              throw x;
            };
          }
        }

        /**
         * The form at rest the target needs for one entry; null for keys outside the registry and
         * deletions, which are written as they are.
         *
         * @param key {@code out}'s key parsed, or null
         */
        private TargetEncryption.Written atRest(MvccEntry source, MvccEntry out, RegistryKey key) {
          // under the prefix is all it asks of the key: no parse for a changed entry
          if (out.deleted() || !(key != null ? key.inRegistry() : startsWith(out.key(), baseBytes))) {
            return null;
          }
          try {
            return atRest.write(source.keyString(), source.value(), out.keyString(), out == source ? null : out.value());
          } catch (EncryptionException x) {
            // the first pass found none; a KMS plugin that failed since then stops the write
            throw new UsageException(source.keyString() + ": " + x.getMessage() + "; nothing written", Main.SOME_FAILED);
          }
        }

        @Override
        public void finish() {
          if (rewrite.active()) {
            rewrite.rewriter().finish();
          }
        }

        @Override
        public boolean needsSurvey() {
          return rewrite.active() || atRest.reEncrypts();
        }

        /**
         * Where the first pass leaves values to the second (Rewriter.checkValuesWhileWriting) but
         * finds some it cannot rewrite all the same (their metadata): it reads the source again,
         * every value a rule may change in full, so that the refusal names them all.
         */
        @Override
        public void survey(EntryReader first, Supplier<EntryReader> again) {
          try {
            if (everything && !atRest.reEncrypts() && rewrite.active()) {
              rewrite.rewriter().surveyLoaded(first::nextLoader); // nothing to select or check here: values copied on every core
            } else {
              survey(first::next);
            }
          } catch (RewriteException refused) {
            if (!rewrite.rewriter().checksValuesWhileWriting()) {
              throw refused;
            }
            ObjectSelector quiet = chosen.with(Exclusions.deferred()); // counted once, in the first pass
            try (EntryReader r = again.get()) {
              rewrite.rewriter().refuseAll(() -> {
                for (MvccEntry e = r.next(); e != null; e = r.next()) {
                  if (everything || quiet.keep(e, RegistryKeys.parse(e.keyString(), prefix, catalog))) {
                    return e;
                  }
                }
                return null;
              }, refused);
            }
          }
        }

        @Override
        public void survey(Supplier<MvccEntry> entries) {
          long[] failed = new long[1];
          Supplier<MvccEntry> selected = () -> {
            for (MvccEntry e = entries.get(); e != null; e = entries.get()) {
              if (everything || counting.keep(e, RegistryKeys.parse(e.keyString(), prefix, catalog))) {
                check(e, failed);
                return e;
              }
            }
            return null;
          };
          if (rewrite.active()) {
            rewrite.rewriter().survey(selected);
          } else {
            while (selected.get() != null) {
              // the at-rest check only
            }
          }
          if (failed[0] > QUOTED_FAILURES) {
            err.println(String.format("regshift: ... and %,d more", failed[0] - QUOTED_FAILURES));
          }
          if (failed[0] > 0) {
            throw new UsageException(String.format("%,d value%s cannot be written as the target needs them (see above);"
                + " nothing written", failed[0], failed[0] == 1 ? "" : "s"), Main.SOME_FAILED);
          }
        }

        /** Before anything is written: a value the target config needs decrypted can be, and the target's KMS plugins encrypt. */
        private void check(MvccEntry e, long[] failed) {
          if (!atRest.reEncrypts() || e.deleted() || !RegistryKeys.parse(e.keyString(), prefix, catalog).inRegistry()) {
            return;
          }
          try {
            atRest.carry(e.keyString(), e.keyString(), e.value());
          } catch (EncryptionException x) {
            if (++failed[0] <= QUOTED_FAILURES) {
              err.println("regshift: " + e.keyString() + ": " + x.getMessage());
            }
          }
        }
      };
      try {
        r = SnapshotPipeline.write(src, view, range,
            key -> everything || selection.matches(RegistryKeys.parse(new String(key, StandardCharsets.UTF_8), prefix, catalog)),
            hook, options, file, progress::tick);
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      } catch (RewriteException e) {
        // the survey's and the rewriter's refusals say it already
        throw new UsageException(e.getMessage() + (e.getMessage().contains("nothing written") ? "" : "; nothing written"));
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
    TargetEncryptionOptions.printForms(forms, targetEncryption.configured(), false, err);
    selector.exclusions().report(err);
    if (s.missingLeases() > 0) {
      err.println("regshift: warning: keys refer to " + BackupCommand.count(s.missingLeases(), "lease") + " that "
          + src.name() + " cannot give (only a database file holds leases); etcd keeps those keys without expiry");
    }
    return Main.OK;
  }
}
