package io.regshift.cli;

import io.regshift.kube.Json;
import io.regshift.kube.ResourceCatalog;
import io.regshift.kube.StoredObject;
import io.regshift.kube.ValueCodec;
import io.regshift.rewrite.CleanRule;
import io.regshift.kube.Yaml;
import io.regshift.select.Exclusions;
import io.regshift.select.ObjectSelector;
import io.regshift.rewrite.Rewriter;
import io.regshift.etcd.MvccEntry;
import io.regshift.kube.RegistryKeys;
import io.regshift.kube.Encoding;
import io.regshift.kube.StoredValue;
import io.regshift.rewrite.RewriteException;
import io.regshift.select.SelectedObjects;
import io.regshift.select.Selection;
import io.regshift.sink.ManifestTree;
import io.regshift.sink.OrderedParallelMap;
import io.regshift.sink.RestoreTier;
import io.regshift.source.Source;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code regshift export}: every selected object as manifests. */
@Command(name = "export", description = {
    "Write the objects of SOURCE as a multi-document YAML stream, JSON lines, or a directory tree",
    "DIR/<namespace or _cluster>/<resource>/<name>.yaml. Objects carry resourceVersion = their mod revision."})
final class ExportCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SOURCE", description = "etcd snapshot or member db file, regshift archive (.tar.gz), or live etcd: etcd://host:port,... (etcds:// for TLS).")
  String source;

  @Mixin SourceOptions sourceOptions;
  @Mixin SelectionOptions selectionOptions;
  @Mixin EncryptionOptions encryption;
  @Mixin RewriteOptions rewriteOptions;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "yaml",
      description = "yaml (default: one multi-document stream) or json (one object per line).")
  OutputFormat output;

  @Option(names = "--dir", paramLabel = "DIR",
      description = "Write one file per object under DIR (a new or empty directory; built aside and renamed when complete).")
  Path dir;

  @Option(names = "--strict", description = "Stop at the first value that cannot be decoded (default: report it, count it, go on).")
  boolean strict;

  @Option(names = "--clean", arity = "0..1", paramLabel = "all", preprocessor = AttachedValueOnly.class,
      description = {"Manifests for kubectl apply on a new cluster: leave out uid, resourceVersion, selfLink, creationTimestamp,",
          "generation, managedFields, deletion fields and status (--clean=all: the last-applied-configuration annotation",
          "too), and write CRDs and namespaces first, then the rest in a restore's order."})
  String clean;

  @Mixin ConnectionOptions connection;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    CleanRule.Level cleaning = cleaning();
    ResourceCatalog catalog = ResourceCatalog.builtin();
    Selection selection = selectionOptions.selection(catalog);
    rewriteOptions.checkSelection(selectionOptions);
    Progress progress = Progress.forTerminal(err, "exported");
    ManifestTree tree = dir == null ? null : ManifestTree.create(dir, output == OutputFormat.json ? ".json" : ".yaml");
    java.io.OutputStream out = dir == null ? stdout() : null;
    Tally tally = new Tally();
    boolean ok = false;
    boolean emptyRange = true;
    Exclusions exclusions;
    try (EncryptionOptions.Decoding decoding = encryption.open(sourceOptions.prefix(), catalog);
         Source src = connection.open(source, sourceOptions.prefix());
         // the first pass of the rules and the tiers of --clean read the same range: a file is sorted once
         Source.SortKeeping sorted = src.keepSorted();
         RewriteRun rewrite = rewriteOptions.start(decoding.codec(), sourceOptions.prefix(), catalog, false)) {
      ValueCodec codec = decoding.codec();
      ObjectSelector selector = selectionOptions.selector(selection, catalog, sourceOptions.prefix(), codec, err);
      if (rewrite.active()) {
        // the first pass: rules see every selected object before any is written
        try (SelectedObjects first = new SelectedObjects(src, sourceOptions.view(), selector.with(Exclusions.counting()),
            sourceOptions.prefix(), catalog, codec, null)) {
          rewrite.rewriter().surveyLoaded(first::nextLoader); // values copied on every core
        }
      }
      // with --clean, one pass per restore tier (CRDs and namespaces first), as kubectl apply needs them
      List<RestoreTier> passes = cleaning == null ? java.util.Collections.singletonList(null) : List.of(RestoreTier.values());
      for (RestoreTier tier : passes) {
        try (SelectedObjects objects = new SelectedObjects(src, sourceOptions.view(), selector, sourceOptions.prefix(),
            catalog, codec, tier == null ? null : k -> RestoreTier.of(k) == tier)) {
          // rewriting, decoding and rendering run on every core; writing keeps key order
          OrderedParallelMap.run(objects::nextLoader, load -> rewriteAndRender(rewrite, load.get(), codec, cleaning),
              r -> write(r, tree, out, tally, err, progress, rewrite));
          emptyRange &= objects.keysSeen() == 0;
        }
      }
      if (tree != null) {
        tree.commit();
      }
      exclusions = selector.exclusions();
      rewrite.commit();
      tally.rewriteSummary = rewrite.summary();
      ok = true;
    } finally {
      if (out != null) {
        out.flush();
      }
      if (tree != null && !ok) {
        tree.abandon();
      }
      progress.done();
    }
    if (emptyRange) {
      err.println(SourceOptions.emptyPrefixWarning(source, sourceOptions.prefix(), selectionOptions.allKeys));
    }
    err.println("regshift: exported " + tally.count + " objects" + (dir == null ? "" : " to " + dir)
        + (tally.failed == 0 ? "" : ", " + tally.failed + " could not be " + (encryption.configured() ? "decrypted or decoded" : "decoded"))
        + (tally.skipped == 0 ? "" : ", " + tally.skipped + " keys outside the prefix left out of the tree")
        + tally.rewriteSummary
        + exclusions.summaryPart());
    exclusions.report(err);
    return tally.failed == 0 ? Main.OK : Main.SOME_FAILED;
  }

  /** --clean takes a value only as --clean=all: in "--clean SOURCE" the next argument is the source. */
  static final class AttachedValueOnly implements CommandLine.IParameterPreprocessor {
    @Override
    public boolean preprocess(java.util.Stack<String> args, CommandLine.Model.CommandSpec spec, CommandLine.Model.ArgSpec option,
        Map<String, Object> info) {
      if (" ".equals(info.get("separator"))) {
        option.setValue("");
        return true;
      }
      return false;
    }
  }

  private CleanRule.Level cleaning() {
    if (clean == null) {
      return null;
    }
    try {
      return CleanRule.Level.parse(clean);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private static final class Tally {
    long count;
    long failed;
    long skipped;
    String rewriteSummary = "";
  }

  /** An object and its text as UTF-8, made on a pool thread (object null: a rule dropped it). */
  private record Rendered(Rewriter.Result rewrite, StoredObject object, byte[] text) {}

  /**
   * The first pass of an export reads only metadata where it can: a value broken further in is
   * found here, and is one more object that cannot be decoded (reported, counted, exit 1; --strict stops).
   */
  private Rendered rewriteAndRender(RewriteRun rewrite, MvccEntry e, ValueCodec codec, CleanRule.Level cleaning) {
    Rewriter.Result r;
    try {
      r = rewrite.rewriter().rewrite(e);
    } catch (RewriteException x) {
      String why = x.getMessage().startsWith(e.keyString() + ": ") ? x.getMessage().substring(e.keyString().length() + 2) : x.getMessage();
      StoredValue failed = new StoredValue(Encoding.sniff(e.value()), null, null, Map.of(), why, List.of(), null, e.value().length);
      return new Rendered(new Rewriter.Result(e, e, List.of()),
          new StoredObject(e, RegistryKeys.parse(e.keyString(), sourceOptions.prefix(), ResourceCatalog.builtin()), failed), null);
    }
    return render(r, codec, cleaning);
  }

  private Rendered render(Rewriter.Result r, ValueCodec codec, CleanRule.Level cleaning) {
    if (r.dropped()) {
      return new Rendered(r, null, null);
    }
    // an object the rules saw comes decoded from them (changed or not); the others are decoded here
    StoredObject o = r.decoded() != null
        ? new StoredObject(r.output(), io.regshift.kube.RegistryKeys.parse(r.output().keyString(), sourceOptions.prefix(),
            ResourceCatalog.builtin()), r.decoded())
        : StoredObject.decode(r.output(), sourceOptions.prefix(), ResourceCatalog.builtin(), codec);
    if (!o.value().ok()) {
      return new Rendered(r, o, null);
    }
    Map<String, Object> served = o.served();
    if (cleaning != null && o.key().inRegistry()) {
      CleanRule.clean(served, cleaning, removed -> {});
    }
    String text;
    if (dir != null) {
      text = output == OutputFormat.json ? Json.writeIndented(served) + "\n" : Yaml.write(served);
    } else {
      text = output == OutputFormat.json ? Json.write(served) + "\n" : Yaml.write(served);
    }
    return new Rendered(r, o, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static final byte[] SEPARATOR = "---\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private void write(Rendered r, ManifestTree tree, java.io.OutputStream out, Tally tally, PrintWriter err, Progress progress,
      RewriteRun rewrite) {
    rewrite.record(r.rewrite());
    StoredObject o = r.object();
    if (o == null) {
      return;
    }
    if (r.text() == null) {
      tally.failed++;
      err.println("regshift: " + o.key().raw() + ": " + o.value().error());
      if (strict) {
        throw new UsageException(source + ": stopped at " + o.key().raw() + " (--strict): " + o.value().error(), Main.SOME_FAILED);
      }
      return;
    }
    try {
      if (tree != null) {
        if (!o.key().inRegistry()) {
          tally.skipped++;
          return;
        }
        tree.write(o.key().namespace(), o.key().groupResource(), o.key().name(), r.text());
      } else {
        if (output == OutputFormat.yaml && tally.count > 0) {
          out.write(SEPARATOR);
        }
        out.write(r.text());
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    tally.count++;
    progress.tick(tally.count, o.entry().value().length);
  }

  /** Bytes to stdout in large blocks; a writer's chars re-encoded when a test captured stdout. */
  private java.io.OutputStream stdout() {
    PrintWriter pw = spec.commandLine().getOut();
    java.io.OutputStream raw = Main.byteStdout(pw);
    if (raw != null) {
      return new java.io.BufferedOutputStream(raw, 1 << 20);
    }
    return new java.io.OutputStream() {
      @Override
      public void write(int b) {
        throw new UnsupportedOperationException();
      }

      @Override
      public void write(byte[] b, int off, int len) {
        pw.write(new String(b, off, len, java.nio.charset.StandardCharsets.UTF_8));
      }

      @Override
      public void flush() {
        pw.flush();
      }
    };
  }
}
