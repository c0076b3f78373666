package io.regshift.cli;

import io.regshift.etcd.EntryReader;
import io.regshift.etcd.KeyRange;
import io.regshift.etcd.MvccEntry;
import io.regshift.etcd.ReadView;
import io.regshift.kube.Json;
import io.regshift.kube.ResourceCatalog;
import io.regshift.kube.StoredObject;
import io.regshift.kube.TreeDiff;
import io.regshift.kube.ValueCodec;
import io.regshift.source.Source;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code regshift history}: every stored revision of one object. */
@Command(name = "history", description = {
    "Every revision of one object that SOURCE still holds (creations, updates, deletions), oldest first.",
    "--diff shows what changed between consecutive revisions, field by field."})
final class HistoryCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SOURCE", description = "etcd snapshot or member db file, regshift archive (.tar.gz), or live etcd: etcd://host:port,... (etcds:// for TLS).")
  String source;

  @Parameters(index = "1", paramLabel = "KEY|RESOURCE/NAME", description = "/registry/... key, or e.g. deploy/web.")
  String object;

  @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "Namespace for RESOURCE/NAME (default: default).")
  String namespace;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT",
      description = "yaml or json: each revision with its object (json: one per line). Default: a table.")
  OutputFormat output;

  @Option(names = "--diff", description = "Print the field-level changes between consecutive revisions.")
  boolean diff;

  @picocli.CommandLine.Mixin PrefixOption prefixOption;
  @picocli.CommandLine.Mixin EncryptionOptions encryption;

  @Mixin ConnectionOptions connection;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    ResourceCatalog catalog = ResourceCatalog.builtin();
    ObjectRef ref = ObjectRef.parse(object, namespace, prefixOption.prefix, catalog);
    List<StoredObject> revisions = new ArrayList<>();
    try (EncryptionOptions.Decoding decoding = encryption.open(prefixOption.prefix, catalog);
         Source src = connection.open(source, prefixOption.prefix)) {
      ValueCodec codec = decoding.codec();
      for (String key : ref.keys()) {
        try (EntryReader r = src.read(ReadView.history(), KeyRange.single(key), k -> true)) {
          for (MvccEntry e = r.next(); e != null; e = r.next()) {
            revisions.add(StoredObject.decode(e, prefixOption.prefix, catalog, codec));
          }
        }
        if (!revisions.isEmpty()) {
          break;
        }
      }
    }
    if (revisions.isEmpty()) {
      throw new UsageException(source + ": " + ref.display() + " has no stored revision", Main.SOME_FAILED);
    }
    int failed = 0;
    StoredObject previous = null;
    Table table = output == null && !diff
        ? new Table("REVISION", "EVENT", "CREATE-REV", "VERSION", "SIZE", "ENCODING", "LEASE") : null;
    boolean first = true;
    for (StoredObject o : revisions) {
      MvccEntry e = o.entry();
      if (!e.deleted() && !o.value().ok()) {
        failed++;
        spec.commandLine().getErr().println("regshift: " + o.key().raw() + " at revision " + e.modRevision() + ": " + o.value().error());
      }
      String event = event(e);
      if (table != null) {
        table.add(Long.toString(e.modRevision()), event, e.deleted() ? "" : Long.toString(e.createRevision()),
            e.deleted() ? "" : Long.toString(e.version()), e.deleted() ? "" : Integer.toString(e.value().length),
            e.deleted() ? "" : o.value().storedAs(), e.lease() == 0 ? "" : Long.toHexString(e.lease()));
      } else if (diff) {
        List<TreeDiff.Change> changes = previous == null || previous.entry().deleted() || e.deleted()
            ? List.of() : TreeDiff.diff(previous.value().object(), o.value().object());
        printDiff(out, e, event, changes, first);
      } else {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("revision", e.modRevision());
        doc.put("event", event);
        if (!e.deleted()) {
          doc.put("createRevision", e.createRevision());
          doc.put("version", e.version());
          doc.put("lease", e.lease());
          doc.put("object", o.served());
        }
        output.print(out, doc, first, true);
      }
      first = false;
      previous = o;
    }
    if (table != null) {
      table.print(out);
    }
    out.flush();
    return failed == 0 ? Main.OK : Main.SOME_FAILED;
  }

  private void printDiff(PrintWriter out, MvccEntry e, String event, List<TreeDiff.Change> changes, boolean first) {
    if (output == OutputFormat.json) {
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("revision", e.modRevision());
      line.put("event", event);
      List<Object> cs = new ArrayList<>();
      for (TreeDiff.Change c : changes) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", c.path());
        m.put("op", c.op().name().toLowerCase());
        m.put("old", c.oldValue());
        m.put("new", c.newValue());
        cs.add(m);
      }
      line.put("changes", cs);
      out.print(Json.writeRecord(line, false) + "\n");
      return;
    }
    String note = e.deleted() ? "" : " (version " + e.version()
        + (first && e.version() > 1 ? "; its earlier revisions were compacted away" : "") + ")";
    out.print("revision " + e.modRevision() + ": " + event + note + "\n");
    for (TreeDiff.Change c : changes) {
      switch (c.op()) {
        case ADDED -> out.print("  + " + c.path() + ": " + show(c.newValue()) + "\n");
        case REMOVED -> out.print("  - " + c.path() + ": " + show(c.oldValue()) + "\n");
        case CHANGED -> out.print("  ~ " + c.path() + ": " + show(c.oldValue()) + " -> " + show(c.newValue()) + "\n");
      }
    }
  }

  private static String show(Object v) {
    return Json.write(v);
  }

  static String event(MvccEntry e) {
    if (e.deleted()) {
      return "delete";
    }
    return e.version() == 1 ? "create" : "update";
  }

}
