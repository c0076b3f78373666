package io.regshift.cli;

import io.regshift.kube.Json;
import io.regshift.kube.ResourceCatalog;
import io.regshift.kube.StoredObject;
import io.regshift.kube.ValueCodec;
import io.regshift.kube.Yaml;
import io.regshift.select.SelectedObjects;
import io.regshift.select.Selection;
import io.regshift.sink.ManifestTree;
import io.regshift.source.Source;
import io.regshift.source.Sources;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
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

  @Parameters(index = "0", paramLabel = "SOURCE", description = "etcd snapshot file or member snap/db.")
  String source;

  @Mixin SourceOptions sourceOptions;
  @Mixin SelectionOptions selectionOptions;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "yaml",
      description = "yaml (default: one multi-document stream) or json (one object per line).")
  OutputFormat output;

  @Option(names = "--dir", paramLabel = "DIR",
      description = "Write one file per object under DIR (a new or empty directory; built aside and renamed when complete).")
  Path dir;

  @Option(names = "--strict", description = "Stop at the first value that cannot be decoded (default: report it, count it, go on).")
  boolean strict;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    ResourceCatalog catalog = ResourceCatalog.builtin();
    Selection selection = selectionOptions.selection(catalog);
    Progress progress = Progress.forTerminal(err, "exported");
    long count = 0;
    long failed = 0;
    long skipped = 0;
    ManifestTree tree = dir == null ? null : ManifestTree.create(dir, output == OutputFormat.json ? ".json" : ".yaml");
    Writer out = dir == null ? stdout() : null;
    boolean ok = false;
    try (Source src = Sources.open(source);
         SelectedObjects objects = new SelectedObjects(src, sourceOptions.view(), selection, sourceOptions.prefix,
             catalog, ValueCodec.builtin())) {
      boolean first = true;
      for (StoredObject o = objects.next(); o != null; o = objects.next()) {
        if (!o.value().ok()) {
          failed++;
          err.println("regshift: " + o.key().raw() + ": " + o.value().error());
          if (strict) {
            throw new UsageException(source + ": stopped at " + o.key().raw() + " (--strict): " + o.value().error(), Main.SOME_FAILED);
          }
          continue;
        }
        if (tree != null) {
          if (!o.key().inRegistry()) {
            skipped++;
            continue;
          }
          String text = output == OutputFormat.json ? Json.writeIndented(o.served()) + "\n" : Yaml.write(o.served());
          tree.write(o.key().namespace(), o.key().groupResource(), o.key().name(), text);
        } else if (output == OutputFormat.json) {
          out.write(Json.write(o.served()));
          out.write('\n');
        } else {
          if (!first) {
            out.write("---\n");
          }
          out.write(Yaml.write(o.served()));
        }
        first = false;
        count++;
        progress.tick(count, o.entry().value().length);
      }
      if (tree != null) {
        tree.commit();
      }
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
    err.println("regshift: exported " + count + " objects" + (dir == null ? "" : " to " + dir)
        + (failed == 0 ? "" : ", " + failed + " could not be decoded")
        + (skipped == 0 ? "" : ", " + skipped + " keys outside the prefix left out of the tree"));
    return failed == 0 ? Main.OK : Main.SOME_FAILED;
  }

  private Writer stdout() {
    // PrintWriter buffers and flushes only on println, so the stream is written in large blocks
    return spec.commandLine().getOut();
  }
}
