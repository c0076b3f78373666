package io.regshift.cli;

import io.regshift.crypto.EncryptionException;
import io.regshift.crypto.TargetEncryption;
import io.regshift.crypto.WrittenForms;
import io.regshift.etcd.EtcdConnection;
import io.regshift.etcd.EtcdRequestException;
import io.regshift.etcd.Endpoints;
import io.regshift.etcd.EntryReader;
import io.regshift.etcd.KeyRange;
import io.regshift.etcd.MvccEntry;
import io.regshift.etcd.ReadView;
import io.regshift.kube.RegistryKey;
import io.regshift.kube.RegistryKeys;
import io.regshift.kube.RegistryPrefix;
import io.regshift.kube.ResourceCatalog;
import io.regshift.kube.ValueCodec;
import io.regshift.select.Exclusions;
import io.regshift.select.ObjectSelector;
import io.regshift.select.SelectedObjects;
import io.regshift.select.Selection;
import io.regshift.sink.ConflictPolicy;
import io.regshift.sink.EtcdRestoreWriter;
import io.regshift.sink.OrderedParallelMap;
import io.regshift.sink.RestoreConflict;
import io.regshift.sink.RestoreItem;
import io.regshift.sink.RestoreJournal;
import io.regshift.sink.RestoreTier;
import io.regshift.sink.RestoreVerifier;
import io.regshift.sink.TierRanges;
import io.regshift.sink.ShortLivedData;
import io.regshift.source.LiveSource;
import io.regshift.source.Source;
import io.regshift.source.Sources;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code regshift restore}: the keys of any source, byte for byte, into a target etcd. */
@Command(name = "restore", description = {
    "Restore the keys of SOURCE (an etcd database file, an archive, or a live etcd) into the etcd at --endpoints,",
    "byte for byte, in a real restore's order (CRDs and namespaces first, events last), in batched create-only",
    "transactions, with a journal to resume an interrupted run, and every key read back and compared.",
    "A target that already holds keys under the prefix is refused unless --on-conflict is given.",
    "With --target-encryption-config values are re-encrypted as the target kube-apiserver writes them (decrypted with",
    "--encryption-config); without it encrypted values keep the source's provider and key."})
final class RestoreCommand implements Callable<Integer> {
  /** kube-apiserver's --event-ttl default: an archive keeps no TTL. */
  static final Duration DEFAULT_EVENT_TTL = Duration.ofHours(1);
  /** kube-apiserver's master lease TTL (lease endpoint reconciler). */
  static final long MASTERLEASE_TTL_SECONDS = 15;
  /** etcd's default --max-request-bytes. */
  static final long DEFAULT_TXN_BYTES = 1536 * 1024;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SOURCE",
      description = "An etcd database file, an archive (.tar.gz), or etcd://host:port,... (etcds:// for TLS).")
  String source;

  @Mixin SourceOptions sourceOptions;
  @Mixin SelectionOptions selectionOptions;
  @Mixin ConnectionOptions connection;
  @Mixin EncryptionOptions encryption;
  @Mixin TargetEncryptionOptions targetEncryption;
  @Mixin RewriteOptions rewriteOptions;

  @Option(names = "--dry-run", description = "Write nothing: print what would be written per resource, and every key the target already holds.")
  boolean dryRun;

  @Option(names = "--on-conflict", paramLabel = "fail|skip|overwrite",
      description = "A key the target already holds: fail (stop), skip (keep the target's), overwrite. Without it a target holding keys under the prefix is refused.")
  String onConflict;

  @Option(names = "--target-prefix", paramLabel = "PREFIX", description = "Re-root the keys under this prefix in the target (default: the source's --prefix).")
  String targetPrefix;

  @Option(names = "--include", split = ",", paramLabel = "DATA",
      description = "Also restore these, left out by default: events, masterleases.")
  List<String> include = new ArrayList<>();

  @Option(names = "--exclude", split = ",", paramLabel = "DATA",
      description = "Leave out these, restored by default: leases, endpoints (and endpointslices), ranges.")
  List<String> exclude = new ArrayList<>();

  @Option(names = "--include-all", description = "Restore every key under the prefix (events and masterleases too).")
  boolean includeAll;

  @Option(names = "--event-ttl", paramLabel = "DURATION", converter = GoDuration.class,
      description = "The lease restored events get (default 1h, kube-apiserver's --event-ttl).")
  Duration eventTtl = DEFAULT_EVENT_TTL;

  @Option(names = "--txn-ops", paramLabel = "N", defaultValue = "128", description = "Keys per transaction at most (default ${DEFAULT-VALUE}, etcd's --max-txn-ops).")
  int txnOps;

  @Option(names = "--txn-bytes", paramLabel = "BYTES", defaultValue = "" + DEFAULT_TXN_BYTES,
      description = "Bytes per transaction request at most (default ${DEFAULT-VALUE}, etcd's --max-request-bytes).")
  long txnBytes;

  @Option(names = "--in-flight", paramLabel = "N", defaultValue = "4", description = "Transactions sent at once (default ${DEFAULT-VALUE}).")
  int inFlight;

  @Option(names = "--journal", paramLabel = "FILE",
      description = "The resume journal (default: SOURCE.restore-journal beside a file SOURCE; restore-HOST_PORT.journal here for a live one).")
  Path journalFile;

  /** Values that cannot be written for the target, named one per line before the error. */
  private static final int QUOTED_FAILURES = 20;

  // set by call(): picocli makes every command's object at start-up, and building these takes a
  // tenth of a second that other commands do not need
  private ResourceCatalog catalog;
  private TargetEncryption atRest = TargetEncryption.copying();
  private ValueCodec codec;

  @Override
  public Integer call() {
    catalog = ResourceCatalog.builtin();
    ConflictPolicy policy = policy();
    Set<ShortLivedData> restored = restoredShortLivedData();
    if (selectionOptions.allKeys) {
      throw new UsageException("--all-keys: restore writes the keys under the prefix only (compact_rev_key and the like belong to etcd)");
    }
    if (txnOps < 1 || txnBytes < 1024 || inFlight < 1) {
      throw new UsageException("--txn-ops and --in-flight must be at least 1, --txn-bytes at least 1024");
    }
    if (eventTtl.toSeconds() < 1) {
      throw new UsageException("--event-ttl must be at least 1s, not " + eventTtl);
    }
    if (!connection.hasEndpoints()) {
      throw new UsageException("no target: give --endpoints (or ETCDCTL_ENDPOINTS) for the etcd to restore into");
    }
    PrintWriter err = spec.commandLine().getErr();
    String prefix = sourceOptions.prefix();
    String sourceBase = RegistryPrefix.keyBase(prefix);
    String targetBase = RegistryPrefix.keyBase(targetPrefix == null ? prefix : targetPrefix);
    Selection selection = selectionOptions.selection(catalog);
    rewriteOptions.checkSelection(selectionOptions);
    ReadView view = sourceOptions.view();
    encryption.config(); // bad configurations are reported before anything is opened
    targetEncryption.config();
    // the selection's value stage and the rules read encrypted values with the source's config
    try (EncryptionOptions.Decoding decoding = encryption.open(prefix, catalog);
         RewriteRun rewrite = rewriteOptions.start(decoding.codec(), prefix, catalog, true);
         Source src = Sources.open(source, (uris, tls) -> connection.openRestoreSource(uris, tls, prefix));
         // the rules' first pass, the at-rest check and every tier read the whole range: a file is sorted once
         Source.SortKeeping sorted = src.keepSorted();
         EtcdConnection target = EtcdConnection.open(connection.settings(List.of(), false));
         TargetEncryption atRest = targetEncryption.open(encryption, sourceBase, targetBase, catalog)) {
      this.atRest = atRest;
      this.codec = decoding.codec();
      ObjectSelector selector = selectionOptions.selector(selection, catalog, prefix, codec, err);
      if (atRest.reEncrypts() || !sourceBase.equals(targetBase)) {
        checkAtRest(src, view, sourceBase, targetBase, selector, restored, err);
      }
      String clusterId = Long.toHexString(target.header(targetBase).getClusterId());
      long held = count(target, targetBase);
      for (Map.Entry<String, String> m : rewriteOptions.namespaceMapping().entrySet()) {
        String ns = targetBase + "namespaces/" + m.getValue();
        if (exists(target, ns)) {
          throw new UsageException("--map-namespace " + m.getKey() + "=" + m.getValue() + ": the target already has namespace "
              + m.getValue() + " (" + ns + "); mapping " + m.getKey() + " onto it would merge the two");
        }
      }
      Path journalPath = journalPath(src);
      String identity = "target cluster " + clusterId + " prefix " + targetBase;
      boolean resuming = Files.exists(journalPath);
      if (held > 0 && onConflict == null && !dryRun && !resuming) {
        throw new UsageException(target.settings().sourceName() + ": the target already holds " + BackupCommand.count(held, "key")
            + " under " + targetBase + "; refusing to restore into it (--dry-run lists them; --on-conflict fail|skip|overwrite"
            + " restores anyway)");
      }
      if (rewrite.active()) {
        // the first pass, before anything is written: rules see every object that will be restored
        ObjectSelector counting = selector.with(Exclusions.counting());
        try (SelectedObjects first = new SelectedObjects(src, view, counting, sourceBase, catalog, codec, null)) {
          rewrite.rewriter().survey(restorable(first, counting, sourceBase, restored, new EnumMap<>(ShortLivedData.class)));
        }
      }
      RestoreJournal journal = dryRun && !resuming ? null : RestoreJournal.open(journalPath, identity);
      Map<ShortLivedData, Long> left = new EnumMap<>(ShortLivedData.class);
      Progress progress = Progress.forTerminal(err, dryRun ? "planned" : "restored");
      RestoreVerifier verifier = dryRun ? null : new RestoreVerifier(target);
      EtcdRestoreWriter writer = new EtcdRestoreWriter(target, journal,
          new EtcdRestoreWriter.Settings(txnOps, txnBytes, inFlight, dryRun, policy), verifier);
      long[] seen = new long[1];
      WrittenForms forms = new WrittenForms();
      KeyRange whole = KeyRange.prefix(sourceBase);
      TierRanges tiers = tierRanges(src, view, whole, sourceBase);
      try {
        for (RestoreTier tier : RestoreTier.values()) {
          for (KeyRange range : tiers == null ? List.of(whole) : tiers.ranges(tier, whole)) {
            pass(src, view, range, sourceBase, targetBase, selector, restored, tier, left, forms, rewrite, item -> {
              writer.add(item);
              progress.tick(++seen[0], item.value().length);
            });
          }
          writer.barrier(); // a tier is committed before the next begins
        }
      } finally {
        progress.done();
        writer.close();
      }
      if (held == 0 && seen[0] == 0 && left.isEmpty()) {
        err.println(SourceOptions.emptyPrefixWarning(src.name(), prefix, false));
      }
      rewrite.commit();
      if (dryRun) {
        printPlan(writer, left, policy, held, onConflict == null && !resuming, selector.exclusions(), rewrite);
        printForms(forms, err);
        if (journal != null) {
          journal.close();
        }
        return Main.OK;
      }
      String summary = String.format("written %,d, resumed %,d, skipped %,d%s, conflicts %,d, verified %,d%s",
          writer.written(), writer.resumed(), left.values().stream().mapToLong(Long::longValue).sum(), leftOut(left),
          writer.conflicts().size(), verifier.verified(), selector.exclusions().summaryPart()) + rewrite.summary();
      if (verifier.problems() > 0) {
        journal.close();
        err.println("regshift: restore of " + src.name() + " into " + target.settings().sourceName() + ": " + summary);
        throw new UsageException(target.settings().sourceName() + ": " + verifier.problems() + " restored keys do not read back"
            + " as written: " + String.join("; ", verifier.quoted()), Main.SOME_FAILED);
      }
      journal.delete();
      err.println("regshift: restored " + src.name() + " into " + target.settings().sourceName() + targetBaseNote(sourceBase, targetBase)
          + ": " + summary);
      printForms(forms, err);
      selector.exclusions().report(err);
      return Main.OK;
    }
  }

  /**
   * Where each tier's keys are in a live source, from one read of its keys without values, so that
   * each tier's pass reads only those; null for a file source, whose every read scans the file.
   */
  private TierRanges tierRanges(Source src, ReadView view, KeyRange whole, String sourceBase) {
    if (!(src instanceof LiveSource live)) {
      return null;
    }
    TierRanges tiers = new TierRanges();
    try (EntryReader keys = live.readKeys(view, whole)) {
      for (MvccEntry e = keys.next(); e != null; e = keys.next()) {
        tiers.add(e.key(), RestoreTier.of(RegistryKeys.parse(e.keyString(), sourceBase, catalog)));
      }
    }
    return tiers.done();
  }

  /**
   * One pass over {@code range} of the source: the keys of {@code tier} that the selection and the
   * rules for short-lived data keep, through the rewrite rules; those left out by the rules for
   * short-lived data are counted in {@code left}; changes go to the report and the summary.
   */
  private void pass(Source src, ReadView view, KeyRange range, String sourceBase, String targetBase, ObjectSelector selector,
      Set<ShortLivedData> restored, RestoreTier tier, Map<ShortLivedData, Long> left, WrittenForms forms,
      RewriteRun rewrite, Consumer<RestoreItem> sink) {
    try (SelectedObjects entries = new SelectedObjects(src, view, range, selector, sourceBase, catalog, codec,
        tier == null ? null : k -> RestoreTier.of(k) == tier)) {
      Supplier<MvccEntry> next = restorable(entries, selector, sourceBase, restored, left);
      if (!rewrite.active()) {
        for (MvccEntry e = next.get(); e != null; e = next.get()) {
          sink.accept(item(e, e, sourceBase, targetBase, forms));
        }
        return;
      }
      PrintWriter out = spec.commandLine().getOut();
      OrderedParallelMap.run(next, rewrite.rewriter()::rewrite, r -> {
        rewrite.record(r);
        if (dryRun) {
          r.changes().forEach(c -> out.println("rewrite " + c.describe(DESCRIBE_WIDTH)));
        }
        if (!r.dropped()) {
          sink.accept(item(r.source(), r.output(), sourceBase, targetBase, forms));
        }
      });
    }
  }

  /** The selected entries less the short-lived data the rules leave out (counted in {@code left}). */
  private Supplier<MvccEntry> restorable(SelectedObjects entries, ObjectSelector selector, String sourceBase,
      Set<ShortLivedData> restored, Map<ShortLivedData, Long> left) {
    return () -> {
      for (MvccEntry e = entries.nextEntry(); e != null; e = entries.nextEntry()) {
        String key = e.keyString();
        ShortLivedData d = ShortLivedData.of(RegistryKeys.parse(key, sourceBase, catalog));
        if (d != null && !restored.contains(d)) {
          left.merge(d, 1L, Long::sum);
          selector.exclusions().explainOnly(key, "restore: " + d.flagName() + " are left out by default (--include "
              + d.flagName() + " restores them)");
          continue;
        }
        return e;
      }
      return null;
    };
  }

  /** Width of an old or new value in the dry run's lines (the report has them whole). */
  private static final int DESCRIBE_WIDTH = 80;

  /**
   * One entry as the target gets it: re-rooted under the target prefix, in the form at rest the
   * target needs. {@code e} is what the rewrite rules made of {@code source} (itself when unchanged;
   * new content is plaintext, encrypted again here).
   */
  private RestoreItem item(MvccEntry source, MvccEntry e, String sourceBase, String targetBase, WrittenForms forms) {
    String key = e.keyString();
    RegistryKey k = RegistryKeys.parse(key, sourceBase, catalog);
    ShortLivedData d = ShortLivedData.of(k);
    long ttl = d == ShortLivedData.EVENTS ? eventTtl.toSeconds() : d == ShortLivedData.MASTERLEASES ? MASTERLEASE_TTL_SECONDS : 0;
    String targetKey = targetBase + key.substring(sourceBase.length());
    TargetEncryption.Written w;
    try {
      w = atRest.write(source.keyString(), source.value(), targetKey, e == source ? null : e.value());
    } catch (EncryptionException x) {
      // the check pass found none; a KMS plugin that failed since then stops the restore (the journal resumes it)
      throw new UsageException(key + ": " + x.getMessage(), Main.SOME_FAILED);
    }
    if (forms != null) {
      forms.add(w);
    }
    return new RestoreItem(k.groupResource(), targetKey.getBytes(StandardCharsets.UTF_8), w.value(), ttl,
        w.plaintext() == null ? null : found -> atRest.holds(targetKey, found, w));
  }

  /**
   * Before anything is written: every selected value that must be decrypted (for the target
   * encryption config, or to move an aesgcm or KMS value to another key) can be, and the target's
   * KMS plugins encrypt. Each value that cannot is a line on stderr; any is an error.
   */
  private void checkAtRest(Source src, ReadView view, String sourceBase, String targetBase, ObjectSelector selector,
      Set<ShortLivedData> restored, PrintWriter err) {
    long[] failed = new long[1];
    try (SelectedObjects entries = new SelectedObjects(src, view, selector.with(Exclusions.counting()), sourceBase, catalog,
        codec, null)) {
      for (MvccEntry e = entries.nextEntry(); e != null; e = entries.nextEntry()) {
        String key = e.keyString();
        ShortLivedData d = ShortLivedData.of(RegistryKeys.parse(key, sourceBase, catalog));
        if (d != null && !restored.contains(d)) {
          continue;
        }
        try {
          atRest.carry(key, targetBase + key.substring(sourceBase.length()), e.value());
        } catch (EncryptionException x) {
          if (++failed[0] <= QUOTED_FAILURES) {
            err.println("regshift: " + key + ": " + x.getMessage());
          }
        }
      }
    }
    if (failed[0] > 0) {
      if (failed[0] > QUOTED_FAILURES) {
        err.println(String.format("regshift: ... and %,d more", failed[0] - QUOTED_FAILURES));
      }
      throw new UsageException(String.format("%,d value%s cannot be written as the target needs them (see above);"
          + " nothing written", failed[0], failed[0] == 1 ? "" : "s"), Main.SOME_FAILED);
    }
  }

  private void printForms(WrittenForms forms, PrintWriter err) {
    TargetEncryptionOptions.printForms(forms, targetEncryption.configured(), dryRun, err);
  }

  private void printPlan(EtcdRestoreWriter writer, Map<ShortLivedData, Long> left, ConflictPolicy policy, long held,
      boolean wouldRefuse, Exclusions exclusions, RewriteRun rewrite) {
    PrintWriter out = spec.commandLine().getOut();
    Table table = new Table("RESOURCE", "KEYS");
    writer.perResource().forEach((resource, n) -> table.add(resource, String.format("%,d", n)));
    left.forEach((d, n) -> table.add(d.flagName() + " (left out)", String.format("%,d", n)));
    table.print(out);
    List<RestoreConflict> conflicts = writer.conflicts();
    for (RestoreConflict c : conflicts) {
      out.println("conflict " + c.describe());
    }
    String verdict = wouldRefuse && held > 0 ? "; the target holds " + BackupCommand.count(held, "key")
        + ", so a run without --on-conflict is refused" : conflicts.isEmpty() ? "" : "; conflicts: "
        + policy.name().toLowerCase(Locale.ROOT);
    spec.commandLine().getErr().println(String.format("regshift: dry run: would write %,d keys (%,d already written by an"
        + " earlier run), %,d conflicts%s%s; nothing written", writer.written(), writer.resumed(), conflicts.size(), verdict,
        rewrite.summary() + exclusions.summaryPart()));
    exclusions.report(spec.commandLine().getErr());
  }

  private static String leftOut(Map<ShortLivedData, Long> left) {
    if (left.isEmpty()) {
      return "";
    }
    List<String> parts = new ArrayList<>();
    left.forEach((d, n) -> parts.add(d.flagName() + " " + n));
    return " (" + String.join(", ", parts) + ")";
  }

  private static String targetBaseNote(String sourceBase, String targetBase) {
    return sourceBase.equals(targetBase) ? "" : " under " + targetBase;
  }

  private static long count(EtcdConnection target, String base) {
    byte[] from = base.getBytes(StandardCharsets.UTF_8);
    KeyRange range = KeyRange.prefix(from);
    return target.call("count keys", () -> target.client().getKVClient().get(io.etcd.jetcd.ByteSequence.from(from),
        io.etcd.jetcd.options.GetOption.builder().withRange(io.etcd.jetcd.ByteSequence.from(range.to()))
            .withCountOnly(true).build())).getCount();
  }

  private static boolean exists(EtcdConnection target, String key) {
    io.etcd.jetcd.ByteSequence k = io.etcd.jetcd.ByteSequence.from(key.getBytes(StandardCharsets.UTF_8));
    return target.call("read " + key, () -> target.client().getKVClient().get(k,
        io.etcd.jetcd.options.GetOption.builder().withCountOnly(true).build())).getCount() > 0;
  }

  private Path journalPath(Source src) {
    if (journalFile != null) {
      return journalFile;
    }
    if (Endpoints.isLive(source)) {
      return Path.of("restore-" + src.name().replaceAll("^[a-z]+://", "").replaceAll("[^A-Za-z0-9.-]+", "_") + ".journal");
    }
    return Path.of(source + ".restore-journal");
  }

  private ConflictPolicy policy() {
    if (onConflict == null) {
      return ConflictPolicy.FAIL;
    }
    try {
      return ConflictPolicy.valueOf(onConflict.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--on-conflict " + onConflict + ": say fail, skip or overwrite");
    }
  }

  private Set<ShortLivedData> restoredShortLivedData() {
    if (includeAll && !exclude.isEmpty()) {
      throw new UsageException("--include-all restores everything: it cannot go with --exclude");
    }
    Set<ShortLivedData> set = EnumSet.noneOf(ShortLivedData.class);
    for (ShortLivedData d : ShortLivedData.values()) {
      if (includeAll || d.restoredByDefault()) {
        set.add(d);
      }
    }
    for (String name : include) {
      set.add(named("--include", name));
    }
    for (String name : exclude) {
      set.remove(named("--exclude", name));
    }
    return set;
  }

  private static ShortLivedData named(String flag, String name) {
    ShortLivedData d = ShortLivedData.byFlagName(name);
    if (d == null) {
      throw new UsageException(flag + " " + name + ": say events, leases, masterleases, endpoints or ranges");
    }
    return d;
  }
}
