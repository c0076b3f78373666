package io.regshift.cli;

import io.regshift.kube.Json;
import io.regshift.kube.StoredValue;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code regshift decode}: stored values (as etcd holds them) to Kubernetes objects. */
@Command(name = "decode", description = {
    "Decode stored /registry values: protobuf (k8s\\0 envelope), JSON, CBOR; encrypted values are named.",
    "Each FILE holds one value, optionally preceded by its key on the first line as `etcdctl get` prints it."})
final class DecodeCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "Files holding one value each; - or none reads stdin.")
  List<String> files = new ArrayList<>();

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "yaml",
      description = "yaml (default) or json (one compact object per line, in argument order).")
  OutputFormat output;

  @Option(names = "--key", paramLabel = "KEY", description = "The etcd key of the value (needed to decrypt).")
  String key;

  @picocli.CommandLine.Mixin PrefixOption prefixOption;
  @picocli.CommandLine.Mixin EncryptionOptions encryption;

  @Option(names = "--lossless", description = "Keep the zero values the encoder wrote, so that encode gives back the same bytes.")
  boolean lossless;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<String> inputs = files.isEmpty() ? List.of("-") : files;
    int failed = 0;
    boolean first = true;
    try (EncryptionOptions.Decoding decoding = encryption.open(prefixOption.prefix, io.regshift.kube.ResourceCatalog.builtin())) {
      for (String arg : inputs) {
        ValueFile in = ValueFile.read(arg, System.in).withKey(key);
        StoredValue v = decoding.codec().decode(in.key(), in.value(), lossless);
        for (String w : v.warnings()) {
          err.println("regshift: " + in.name() + ": warning: " + w);
        }
        if (!v.ok()) {
          failed++;
          err.println("regshift: " + in.name() + ": " + v.error());
          if (output == OutputFormat.json) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("file", in.name());
            line.put("key", in.key());
            line.put("encoding", v.storedAs());
            line.put("error", v.error());
            out.print(Json.write(line) + "\n");
            out.flush();
          }
          continue;
        }
        output.print(out, v.object(), first, true);
        first = false;
      }
    }
    err.flush();
    return failed == 0 ? Main.OK : Main.SOME_FAILED;
  }
}
