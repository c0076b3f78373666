package io.regshift.cli;

import io.regshift.kube.ResourceCatalog;
import io.regshift.select.Selection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Option;

/** -n / -A / --kind / --all-keys, as kubectl spells them. */
final class SelectionOptions {
  @Option(names = {"-n", "--namespace"}, paramLabel = "NS",
      description = "Only objects in this namespace (repeatable). Default: every namespace and the cluster-scoped objects.")
  List<String> namespaces = new ArrayList<>();

  @Option(names = {"-A", "--all-namespaces"}, description = "Every namespace (the default; kept for kubectl habits).")
  boolean allNamespaces;

  @Option(names = "--kind", paramLabel = "K",
      description = "Only these resources, by kubectl name: deploy, deployments.apps, svc, crontabs.stable.example.com (repeatable, or comma-separated).")
  List<String> kinds = new ArrayList<>();

  @Option(names = "--all-keys", description = "Also keys outside the prefix, such as compact_rev_key.")
  boolean allKeys;

  Selection selection(ResourceCatalog catalog) {
    if (allNamespaces && !namespaces.isEmpty()) {
      throw new UsageException("-n and -A cannot be used together");
    }
    return new Selection(namespaces, kindList(), allKeys, catalog);
  }

  /** --kind values, each comma-separated list split. */
  List<String> kindList() {
    return kinds.stream().flatMap(s -> Arrays.stream(s.split(","))).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /** True when -n, --kind or --all-keys narrows or widens the selection. */
  boolean given() {
    return !namespaces.isEmpty() || !kinds.isEmpty() || allKeys;
  }
}
