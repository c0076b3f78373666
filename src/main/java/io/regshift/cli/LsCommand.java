package io.regshift.cli;

import io.regshift.etcd.MvccEntry;
import io.regshift.etcd.ReadView;
import io.regshift.kube.Json;
import io.regshift.kube.RegistryKey;
import io.regshift.kube.ResourceCatalog;
import io.regshift.kube.ResourceInfo;
import io.regshift.kube.StoredObject;
import io.regshift.kube.StoredValue;
import io.regshift.select.Exclusions;
import io.regshift.select.SelectedObjects;
import io.regshift.select.Selection;
import io.regshift.source.Source;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code regshift ls}: one line per object of a source. */
@Command(name = "ls", description = "List the objects of SOURCE (an etcd database file, an archive or a live etcd), one line each, in key order.")
final class LsCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SOURCE", description = "etcd snapshot or member db file, regshift archive (.tar.gz), or live etcd: etcd://host:port,... (etcds:// for TLS).")
  String source;

  @Mixin SourceOptions sourceOptions;
  @Mixin SelectionOptions selectionOptions;
  @Mixin EncryptionOptions encryption;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "table (default), wide, name, or json (one object per line).")
  ListFormat output;

  @Option(names = "--deleted", description = "List instead the objects deleted but still present in history, with their last value.")
  boolean deleted;

  @Mixin ConnectionOptions connection;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ResourceCatalog catalog = ResourceCatalog.builtin();
    Selection selection = selectionOptions.selection(catalog);
    ReadView view = sourceOptions.view();
    if (deleted) {
      view = view.deleted();
    }
    int failed = 0;
    long notDecrypted = 0;
    long count = 0;
    StreamingTable table = switch (output) {
      case table -> new StreamingTable(out, deleted
          ? new String[] {"NAMESPACE", "RESOURCE", "NAME", "DELETED-AT", "MOD-REV", "SIZE", "ENCODING"}
          : new String[] {"NAMESPACE", "RESOURCE", "NAME", "MOD-REV", "SIZE", "ENCODING"});
      case wide -> new StreamingTable(out, "KEY", "APIVERSION", "KIND", "CREATE-REV", "MOD-REV", "VERSION",
          "LEASE", "SIZE", "ENCODING", deleted ? "DELETED-AT" : "ERROR", deleted ? "ERROR" : null);
      default -> null;
    };
    boolean emptyRange;
    Exclusions exclusions;
    try (EncryptionOptions.Decoding decoding = encryption.open(sourceOptions.prefix(), catalog);
         Source src = connection.open(source, sourceOptions.prefix());
         SelectedObjects objects = new SelectedObjects(src, view,
             selectionOptions.selector(selection, catalog, sourceOptions.prefix(), decoding.codec(), err),
             sourceOptions.prefix(), catalog, decoding.codec(), null)) {
      for (StoredObject o = objects.next(); o != null; o = objects.next()) {
        count++;
        StoredValue v = o.value();
        if (lacksConfig(v)) {
          notDecrypted++;
        } else if (!v.ok()) {
          failed++;
        }
        switch (output) {
          case json -> out.print(Json.writeRecord(jsonLine(o), false) + "\n");
          case name -> out.print(name(o) + "\n");
          case table -> table.add(row(o));
          case wide -> table.add(wideRow(o));
        }
      }
      emptyRange = objects.keysSeen() == 0;
      exclusions = objects.exclusions();
    }
    String warning = emptyRange ? SourceOptions.emptyPrefixWarning(source, sourceOptions.prefix(), selectionOptions.allKeys) : null;
    if (table != null) {
      table.finish(count == 0 ? (warning != null ? warning : "No objects found" + (exclusions.total() == 0 ? "." : String.format(
          " (%,d excluded by the selection%s).", exclusions.total(), exclusions.explaining() ? "" : "; --explain says why"))) : null, err);
    } else if (warning != null) {
      err.println(warning);
    }
    out.flush();
    if (notDecrypted > 0) {
      err.println("regshift: " + source + ": " + notDecrypted + " of " + count
          + " values are encrypted at rest; pass --encryption-config to decrypt them");
    }
    exclusions.report(err);
    if (failed > 0) {
      err.println("regshift: " + source + ": " + failed + " of " + count + " values could not be "
          + (encryption.configured() ? "decrypted or decoded" : "decoded") + " (see the error "
          + (output == ListFormat.json ? "field" : "column with -o wide") + ")");
    }
    return failed == 0 ? Main.OK : Main.SOME_FAILED;
  }

  /**
   * An encrypted value listed without --encryption-config: its provider and key are what a
   * listing can say, so it is not a failure (a malformed prefix still is).
   */
  private boolean lacksConfig(StoredValue v) {
    return !encryption.configured() && v.encoding() == io.regshift.kube.Encoding.ENCRYPTED
        && v.encryption() != null && !v.encryption().isMalformed();
  }

  private String[] row(StoredObject o) {
    MvccEntry e = o.entry();
    RegistryKey k = o.key();
    String ns = k.namespace() == null ? "" : k.namespace();
    String res = k.inRegistry() ? k.groupResource() : "";
    String name = k.inRegistry() ? k.name() : k.raw();
    String enc = o.value().storedAs() + (o.value().ok() || lacksConfig(o.value()) ? "" : " (error)");
    return deleted
        ? new String[] {ns, res, name, Long.toString(e.deleteRevision()), Long.toString(e.modRevision()),
            Integer.toString(e.value().length), enc}
        : new String[] {ns, res, name, Long.toString(e.modRevision()), Integer.toString(e.value().length), enc};
  }

  private String[] wideRow(StoredObject o) {
    MvccEntry e = o.entry();
    StoredValue v = o.value();
    String error = v.error() == null ? "" : v.error();
    return new String[] {o.key().raw(), nz(v.apiVersion()), nz(v.kind()), Long.toString(e.createRevision()),
        Long.toString(e.modRevision()), Long.toString(e.version()), e.lease() == 0 ? "" : Long.toHexString(e.lease()),
        Integer.toString(e.value().length), v.storedAs(),
        deleted ? Long.toString(e.deleteRevision()) : error, deleted ? error : null};
  }

  /** kubectl's -o name: lower-case kind, qualified by group: deployment.apps/web, pod/web-0. */
  static String name(StoredObject o) {
    RegistryKey k = o.key();
    if (!k.inRegistry()) {
      return k.raw();
    }
    String kind = o.value().kind();
    if (kind == null) {
      ResourceInfo info = k.resourceInfo();
      kind = info != null && info.kind() != null ? info.kind() : (info != null && info.singular() != null ? info.singular() : k.resource());
    }
    String group = o.value().apiVersion() != null ? ResourceInfo.groupOf(o.value().apiVersion()) : nz(k.group());
    return kind.toLowerCase(Locale.ROOT) + (group.isEmpty() ? "" : "." + group) + "/" + k.name();
  }

  static Map<String, Object> jsonLine(StoredObject o) {
    MvccEntry e = o.entry();
    RegistryKey k = o.key();
    StoredValue v = o.value();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("key", k.raw());
    m.put("apiVersion", v.apiVersion());
    m.put("kind", v.kind());
    m.put("group", k.inRegistry() ? k.group() : null);
    m.put("resource", k.inRegistry() ? k.resource() : null);
    m.put("namespace", k.namespace());
    m.put("name", k.inRegistry() ? k.name() : null);
    m.put("createRevision", e.createRevision());
    m.put("modRevision", e.modRevision());
    m.put("version", e.version());
    m.put("lease", e.lease());
    m.put("size", (long) e.value().length);
    m.put("encoding", v.storedAs());
    m.put("error", v.error());
    if (e.deleted()) {
      m.put("deleteRevision", e.deleteRevision());
    }
    return m;
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
