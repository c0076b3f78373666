package io.regshift.cli;

import io.regshift.etcd.EntryReader;
import io.regshift.etcd.KeyRange;
import io.regshift.etcd.MvccEntry;
import io.regshift.kube.Json;
import io.regshift.kube.ResourceCatalog;
import io.regshift.kube.StoredObject;
import io.regshift.kube.Yaml;
import io.regshift.source.Source;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code regshift get}: one object, as kube-apiserver would serve it. */
@Command(name = "get", description = "Print one object of SOURCE, named by its etcd key or as RESOURCE/NAME.")
final class GetCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SOURCE", description = "etcd snapshot or member db file, regshift archive (.tar.gz), or live etcd: etcd://host:port,... (etcds:// for TLS).")
  String source;

  @Parameters(index = "1", paramLabel = "KEY|RESOURCE/NAME", description = "/registry/... key, or e.g. deploy/web, svc/kubernetes.")
  String object;

  @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "Namespace for RESOURCE/NAME (default: default).")
  String namespace;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "yaml",
      description = "yaml (default), json, or raw (the stored bytes, exactly as etcd holds them).")
  GetFormat output;

  @Mixin SourceOptions sourceOptions;
  @Mixin EncryptionOptions encryption;

  @Mixin ConnectionOptions connection;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    ResourceCatalog catalog = ResourceCatalog.builtin();
    ObjectRef ref = ObjectRef.parse(object, namespace, sourceOptions.prefix(), catalog);
    try (Source src = connection.open(source, sourceOptions.prefix())) {
      MvccEntry found = null;
      for (String key : ref.keys()) {
        try (EntryReader r = src.read(sourceOptions.view(), KeyRange.single(key), k -> true)) {
          found = r.next();
        }
        if (found != null) {
          break;
        }
      }
      if (found == null) {
        String at = sourceOptions.revision == 0 ? "" : " at revision " + sourceOptions.revision;
        throw new UsageException(source + ": " + ref.display() + " not found" + at, Main.SOME_FAILED);
      }
      if (output == GetFormat.raw) {
        out.flush();
        try {
          System.out.write(found.value());
          System.out.flush();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        return Main.OK;
      }
      StoredObject o;
      try (EncryptionOptions.Decoding decoding = encryption.open(sourceOptions.prefix(), catalog)) {
        o = StoredObject.decode(found, sourceOptions.prefix(), catalog, decoding.codec());
      }
      if (!o.value().ok()) {
        spec.commandLine().getErr().println("regshift: " + o.key().raw() + ": " + o.value().error());
      }
      out.print(output == GetFormat.json ? Json.writeIndented(o.served()) + "\n" : Yaml.write(o.served()));
      out.flush();
      return o.value().ok() ? Main.OK : Main.SOME_FAILED;
    }
  }
}
