package io.regshift.cli;

import io.regshift.archive.ArchiveManifest;
import io.regshift.archive.ArchiveWriter;
import io.regshift.crypto.EncryptionException;
import io.regshift.crypto.TargetEncryption;
import io.regshift.etcd.EntryReader;
import io.regshift.etcd.Endpoints;
import io.regshift.etcd.EtcdRequestException;
import io.regshift.etcd.KeyRange;
import io.regshift.etcd.MvccEntry;
import io.regshift.etcd.ReadView;
import io.regshift.etcd.RevisionCompactedException;
import io.regshift.etcd.SnapshotDownload;
import io.regshift.kube.RegistryKey;
import io.regshift.kube.RegistryKeys;
import io.regshift.kube.RegistryPrefix;
import io.regshift.kube.RegistryStats;
import io.regshift.kube.ResourceCatalog;
import io.regshift.kube.ValueCodec;
import io.regshift.select.Exclusions;
import io.regshift.select.ObjectSelector;
import io.regshift.rewrite.KeyOrderMerge;
import io.regshift.rewrite.Rewriter;
import io.regshift.select.SelectedObjects;
import io.regshift.select.Selection;
import io.regshift.sink.OrderedParallelMap;
import io.regshift.source.LiveSource;
import io.regshift.source.Source;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code regshift backup}: a live etcd or any file source, to etcd's own snapshot or a portable archive. */
@Command(name = "backup", description = {
    "Back up SOURCE (a live etcd, or any file source) to FILE:",
    "  FILE.db       etcd's own snapshot through its Maintenance API, with the SHA-256 trailer",
    "                `etcdctl snapshot save` writes, checked before the file gets its name (live etcd only);",
    "                with -n, --kind, --all-keys, --revision or the options of `rewrite`, regshift writes the",
    "                snapshot itself from any SOURCE (as `rewrite SOURCE -f FILE.db`), which also takes",
    "                --target-encryption-config;",
    "  FILE.tar.gz   a portable archive (also .tgz): manifest.json, then one entry per key with its stored",
    "                bytes, revisions, version, lease and SHA-256 (docs/archive-format.md); -n/--kind apply.",
    "Without SOURCE, --endpoints (or ETCDCTL_ENDPOINTS) names the live etcd.",
    "A live etcd is read at one revision, whatever is written meanwhile."})
final class BackupCommand implements Callable<Integer> {
  /** Attempts in all with --retry-on-compaction. */
  private static final int ATTEMPTS = 3;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "SOURCE",
      description = "etcd://host:port,... (etcds:// for TLS), an etcd database file, or an archive.")
  String source;

  @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE",
      description = "Where to write: FILE.db (etcd snapshot) or FILE.tar.gz / FILE.tgz (archive). Replaced when complete.")
  Path file;

  @Mixin SourceOptions sourceOptions;
  @Mixin SelectionOptions selectionOptions;
  @Mixin ConnectionOptions connection;
  @Mixin SnapshotOutputOptions output;
  @Mixin RewriteOptions rewriteOptions;
  @Mixin EncryptionOptions encryption;
  @Mixin TargetEncryptionOptions targetEncryption;

  @Option(names = "--retry-on-compaction",
      description = "When etcd compacts the revision being read (a long backup), start again at the new revision"
          + " (up to " + ATTEMPTS + " attempts).")
  boolean retryOnCompaction;

  @Override
  public Integer call() {
    String name = file.getFileName().toString();
    boolean db = name.endsWith(".db");
    if (!db && !name.endsWith(".tar.gz") && !name.endsWith(".tgz")) {
      throw new UsageException(file + ": name the backup FILE.db (etcd snapshot) or FILE.tar.gz / FILE.tgz (archive)");
    }
    if (source == null && !connection.hasEndpoints()) {
      throw new UsageException("no SOURCE: give etcd://host:port (etcds:// for TLS), a file, or --endpoints"
          + " (ETCDCTL_ENDPOINTS) for a live etcd");
    }
    // a selection, a revision or revision options: regshift writes the snapshot itself (as rewrite -f)
    if (!db && output.given()) {
      throw new UsageException("--keep-history, --latest-only, --bump-revision and --mark-compacted apply to a .db backup");
    }
    if (!db && targetEncryption.configured()) {
      throw new UsageException("--target-encryption-config: an archive keeps every value in the form it was read"
          + " (restore --target-encryption-config encrypts them for the target); it applies to a .db backup");
    }
    boolean written = db && (selectionOptions.given() || sourceOptions.revision != 0 || output.given() || rewriteOptions.given()
        || targetEncryption.configured());
    if (db && !written && (source == null || Endpoints.isLive(source))) {
      return snapshot(connection.liveSettings(source));
    }
    try (Source src = source == null ? connection.openEndpoints(sourceOptions.prefix())
        : connection.open(source, sourceOptions.prefix())) {
      if (written) {
        return SnapshotWrite.run(src, sourceOptions.view(), selectionOptions, rewriteOptions, encryption, targetEncryption,
            sourceOptions.prefix(), output.options(), file, spec.commandLine().getErr());
      }
      if (db) {
        throw new UsageException(file + ": a .db backup is a snapshot taken by a live etcd, and " + src.name()
            + " is a file; copy it, back it up to an archive (.tar.gz), or select keys (-n, --kind) to have"
            + " regshift write the snapshot");
      }
      return archive(src);
    }
  }

  /** etcd's own snapshot: a plain gRPC stream, no jetcd client (see {@link SnapshotDownload}). */
  private int snapshot(io.regshift.etcd.ConnectionSettings settings) {
    PrintWriter err = spec.commandLine().getErr();
    Progress progress = Progress.forTerminal(err, "saving");
    SnapshotDownload.Result r;
    try {
      r = SnapshotDownload.save(settings, file, progress::transfer);
    } finally {
      progress.done();
    }
    String keys = r.keys() < 0 ? "" : count(r.keys(), "key") + ", ";
    err.println(String.format("regshift: saved etcd's snapshot of %s at revision %d (%s%s) to %s; sha256 %s verified",
        settings.sourceName(), r.revision(), keys, StatsCommand.bytes(r.size()), file, r.sha256().substring(0, 16) + "…"));
    return Main.OK;
  }

  private int archive(Source src) {
    PrintWriter err = spec.commandLine().getErr();
    ResourceCatalog catalog = ResourceCatalog.builtin();
    Selection selection = selectionOptions.selection(catalog);
    rewriteOptions.checkSelection(selectionOptions);
    ReadView view = sourceOptions.view();
    for (int attempt = 1; ; attempt++) {
      try {
        return archiveOnce(src, selection, view, catalog, err);
      } catch (RevisionCompactedException e) {
        if (!(retryOnCompaction && src instanceof LiveSource live && view.mode() == ReadView.Mode.LATEST)
            || attempt == ATTEMPTS) {
          throw new RevisionCompactedException(e.getMessage() + (retryOnCompaction ? "" : " (--retry-on-compaction"
              + " starts again at the new revision)"), e.revision(), e);
        }
        long old = live.headRevision();
        live.pin();
        err.println("regshift: revision " + old + " was compacted during the backup; starting again at revision "
            + live.headRevision());
      }
    }
  }

  private int archiveOnce(Source src, Selection selection, ReadView view, ResourceCatalog catalog, PrintWriter err) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    String prefix = sourceOptions.prefix();
    long revision = view.mode() == ReadView.Mode.AT ? view.revision() : src.headRevision();
    Progress progress = Progress.forTerminal(err, "backed up");
    if (src instanceof LiveSource live && selection.keepsEverything()) {
      progress.expect(live.count(selection.includesKeysOutsidePrefix() ? KeyRange.all()
          : KeyRange.prefix(RegistryPrefix.keyBase(prefix))));
    }
    encryption.config(); // a bad configuration is reported before anything is written
    // the selection and the rules read encrypted values with the source's config; the archive keeps the bytes as read
    String base = RegistryPrefix.keyBase(prefix);
    try (EncryptionOptions.Decoding decoding = encryption.open(prefix, catalog);
         TargetEncryption asRead = targetEncryption.open(encryption, base, base, catalog)) {
      codec = decoding.codec();
      atRest = asRead;
      return archiveEntries(src, selection, view, catalog, err, now, prefix, revision, progress);
    }
  }

  /**
   * Decrypts what the selection and the rules read (the source's --encryption-config, when given);
   * set by archiveOnce (building the codec takes a fifth of a second that a .db backup does not need).
   */
  private ValueCodec codec;
  /** Encrypts a value the rules changed again, in the form it was read (an archive has no target config). */
  private TargetEncryption atRest = TargetEncryption.copying();

  /**
   * A rewritten entry as the archive stores it: a value stored encrypted that the rules changed is
   * encrypted again for its new key with the provider and key it was read with.
   */
  private MvccEntry stored(Rewriter.Result r) {
    MvccEntry out = r.output();
    if (!r.changed()) {
      return out;
    }
    try {
      byte[] value = atRest.write(r.source().keyString(), r.source().value(), out.keyString(), out.value()).value();
      return value == out.value() ? out : new MvccEntry(out.key(), value, out.createRevision(), out.modRevision(),
          out.version(), out.lease(), out.deleted(), out.deleteRevision());
    } catch (EncryptionException e) {
      throw new UsageException(r.source().keyString() + ": " + e.getMessage() + "; the archive was not written", Main.SOME_FAILED);
    }
  }

  private int archiveEntries(Source src, Selection selection, ReadView view, ResourceCatalog catalog, PrintWriter err,
      Instant now, String prefix, long revision, Progress progress) {
    ArchiveManifest manifest;
    boolean emptyRange;
    Exclusions exclusions;
    ObjectSelector selector = selectionOptions.selector(selection, catalog, prefix, codec, err);
    try (Source.SortKeeping sorted = src.keepSorted(); // the rules' first pass and the output read one range: a file is sorted once
         RewriteRun rewrite = rewriteOptions.start(codec, prefix, catalog, true);
         ArchiveWriter writer = ArchiveWriter.create(file, key -> resourceOf(key, prefix, catalog), now);
         SelectedObjects objects = new SelectedObjects(src, view, selector, prefix, catalog, codec, null)) {
      if (!rewrite.active()) {
        for (MvccEntry e = objects.nextEntry(); e != null; e = objects.nextEntry()) {
          writer.add(e);
          progress.tick(writer.entries(), e.value().length);
        }
      } else {
        rewritten(src, view, selector, prefix, catalog, rewrite, objects, r -> {
          rewrite.record(r);
          if (!r.dropped()) {
            MvccEntry out = stored(r);
            writer.add(out);
            progress.tick(writer.entries(), out.value().length);
          }
        });
      }
      emptyRange = objects.keysSeen() == 0;
      exclusions = objects.exclusions();
      manifest = writer.commit(new ArchiveManifest(ArchiveManifest.FORMAT_VERSION, "regshift " + VersionCommand.version(),
          now.toString(), src.name(), src.cluster(), revision, RegistryPrefix.normalize(prefix),
          new ArchiveManifest.Selection(selectionOptions.namespaces, selectionOptions.kindList(), selectionOptions.allKeys,
              selectionOptions.manifestFields()),
          0, 0, java.util.List.of(), null));
      rewrite.commit();
      rewriteSummary = rewrite.summary();
    } finally {
      progress.done();
    }
    if (emptyRange) {
      err.println(SourceOptions.emptyPrefixWarning(src.name(), prefix, selectionOptions.allKeys));
    }
    err.println(String.format("regshift: backed up %s (%s of values) at revision %d from %s to %s%s",
        count(manifest.entries(), "key"), StatsCommand.bytes(manifest.bytes()), manifest.revision(), src.name(), file,
        rewriteSummary + exclusions.summaryPart()));
    exclusions.report(err);
    return Main.OK;
  }

  private String rewriteSummary = "";

  /**
   * The selected entries through the rules, in the order of their new keys (an archive is in key
   * order): the first pass, then one stream per mapped namespace beside the stream of the rest,
   * merged; without --map-namespace, the one stream rewritten on every core.
   */
  private void rewritten(Source src, ReadView view, ObjectSelector selector, String prefix, ResourceCatalog catalog,
      RewriteRun rewrite, SelectedObjects objects, Consumer<Rewriter.Result> sink) {
    Selection selection = selector.selection();
    ObjectSelector counting = selector.with(Exclusions.counting());
    try (SelectedObjects first = new SelectedObjects(src, view, counting, prefix, catalog, codec, null)) {
      rewrite.rewriter().survey(first::nextEntry);
    }
    Map<String, String> mapping = rewriteOptions.namespaceMapping();
    if (mapping.isEmpty()) {
      OrderedParallelMap.run(objects::nextEntry, rewrite.rewriter()::rewrite, sink);
      return;
    }
    // the stream of keys that stay (read through objects, which counts the keys seen), then one per OLD
    List<String> olds = new ArrayList<>(mapping.keySet());
    List<EntryReader> readers = new ArrayList<>();
    try {
      List<Supplier<MvccEntry>> streams = new ArrayList<>();
      streams.add(() -> {
        for (MvccEntry e = objects.nextEntry(); e != null; e = objects.nextEntry()) {
          if (movedFrom(e.key(), prefix, catalog, mapping) == null) {
            return e;
          }
        }
        return null;
      });
      KeyRange range = selection.includesKeysOutsidePrefix() ? KeyRange.all() : KeyRange.prefix(RegistryPrefix.keyBase(prefix));
      for (String old : olds) {
        EntryReader r = src.read(view, range, key -> old.equals(movedFrom(key, prefix, catalog, mapping))
            && (selection.keepsEverything() || selection.matches(RegistryKeys.parse(new String(key, StandardCharsets.UTF_8), prefix, catalog))));
        readers.add(r);
        // the value stage (labels, --portable) of the moved keys, counted by the main selector
        streams.add(() -> {
          for (MvccEntry e = r.next(); e != null; e = r.next()) {
            if (selector.keep(e, RegistryKeys.parse(e.keyString(), prefix, catalog))) {
              return e;
            }
          }
          return null;
        });
      }
      KeyOrderMerge merge = new KeyOrderMerge(rewrite.rewriter(), streams);
      for (Rewriter.Result r = merge.next(); r != null; r = merge.next()) {
        sink.accept(r);
      }
    } finally {
      readers.forEach(EntryReader::close);
    }
  }

  /** The mapped namespace a key lives in (or names, for a Namespace), or null when --map-namespace does not move it. */
  private static String movedFrom(byte[] key, String prefix, ResourceCatalog catalog, Map<String, String> mapping) {
    RegistryKey k = RegistryKeys.parse(new String(key, StandardCharsets.UTF_8), prefix, catalog);
    if (!k.inRegistry()) {
      return null;
    }
    String ns = k.namespace() != null ? k.namespace() : "namespaces".equals(k.keyPath()) ? k.name() : null;
    return ns != null && mapping.containsKey(ns) ? ns : null;
  }

  static String count(long n, String noun) {
    return String.format("%,d %s%s", n, noun, n == 1 ? "" : "s");
  }

  private static String resourceOf(byte[] key, String prefix, ResourceCatalog catalog) {
    RegistryKey k = RegistryKeys.parse(new String(key, StandardCharsets.UTF_8), prefix, catalog);
    return k.inRegistry() ? k.groupResource() : RegistryStats.OUTSIDE;
  }
}
