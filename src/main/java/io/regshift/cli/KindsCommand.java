package io.regshift.cli;

import io.regshift.kube.Json;
import io.regshift.kube.RegistryKey;
import io.regshift.kube.RegistryPrefix;
import io.regshift.kube.ResourceCatalog;
import io.regshift.kube.ResourceInfo;
import io.regshift.kube.schema.SchemaRegistry;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code regshift kinds}: every apiVersion/kind regshift knows, where it is stored and how. */
@Command(name = "kinds", description = "List every built-in apiVersion/kind: resource, etcd key, scope, storage version.")
final class KindsCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "wide or json (one object per line).")
  String output;

  @Option(names = "--prefix", defaultValue = RegistryPrefix.DEFAULT, description = "etcd key prefix (default ${DEFAULT-VALUE}).")
  String prefix;

  @Override
  public Integer call() {
    if (output != null && !output.equals("wide") && !output.equals("json")) {
      throw new UsageException("-o must be wide or json, not " + output);
    }
    PrintWriter out = spec.commandLine().getOut();
    SchemaRegistry schemas = SchemaRegistry.builtin();
    boolean wide = "wide".equals(output);
    Table table = wide
        ? new Table("APIVERSION", "KIND", "RESOURCE", "SCOPE", "KEY", "STORAGE-VERSION", "SCHEMA", "SHORTNAMES", "SINCE", "REMOVED")
        : new Table("APIVERSION", "KIND", "RESOURCE", "SCOPE", "KEY", "STORAGE-VERSION");
    for (ResourceInfo r : ResourceCatalog.builtin().all()) {
      for (String apiVersion : r.apiVersions()) {
        String key = RegistryKey.pattern(prefix, r);
        String schema = schemaOf(schemas, apiVersion, r.kind());
        String scope = r.scope().name().charAt(0) + r.scope().name().substring(1).toLowerCase();
        if ("json".equals(output)) {
          Map<String, Object> o = new LinkedHashMap<>();
          o.put("apiVersion", apiVersion);
          o.put("kind", r.kind());
          o.put("resource", r.groupResource());
          o.put("scope", scope);
          o.put("key", key);
          o.put("storageVersion", r.storageVersion());
          o.put("schema", schema);
          o.put("shortNames", r.shortNames());
          o.put("since", r.since());
          o.put("removed", r.removed());
          out.print(Json.write(o) + "\n");
        } else if (wide) {
          table.add(apiVersion, r.kind(), r.groupResource(), scope, key, r.storageVersion(), schema,
              String.join(",", r.shortNames()), r.since(), r.removed());
        } else {
          table.add(apiVersion, r.kind(), r.groupResource(), scope, key, r.storageVersion());
        }
      }
    }
    if (!"json".equals(output)) {
      table.print(out);
    }
    out.flush();
    return Main.OK;
  }

  /** How values of this kind decode: protobuf schema, stored as JSON, or only generically. */
  private static String schemaOf(SchemaRegistry schemas, String apiVersion, String kind) {
    if (apiVersion.startsWith("apiextensions.k8s.io/") || apiVersion.startsWith("apiregistration.k8s.io/")) {
      return "json";
    }
    return schemas.forKind(apiVersion, kind).isPresent() ? "protobuf" : "none";
  }
}
