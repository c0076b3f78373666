package io.regshift.cli;

import io.regshift.kube.ResourceCatalog;
import io.regshift.kube.ValueCodec;
import io.regshift.select.Exclusions;
import io.regshift.select.ObjectSelector;
import io.regshift.select.Selection;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** What a command works on: -n / -A / --kind / -l / --name / --portable ..., as kubectl spells them. */
final class SelectionOptions {
  @Option(names = {"-n", "--namespace"}, paramLabel = "NS",
      description = "Only objects in this namespace; a glob such as 'team-*' (repeatable, or comma-separated)."
          + " Default: every namespace and the cluster-scoped objects.")
  List<String> namespaces = new ArrayList<>();

  @Option(names = {"-A", "--all-namespaces"}, description = "Every namespace (the default; kept for kubectl habits).")
  boolean allNamespaces;

  @Option(names = "--exclude-namespace", paramLabel = "NS",
      description = "Leave out the objects of this namespace; a glob (repeatable, or comma-separated).")
  List<String> excludedNamespaces = new ArrayList<>();

  @Option(names = "--kind", paramLabel = "K",
      description = "Only these resources, by kubectl name: deploy, deployments.apps, svc, crontabs.stable.example.com (repeatable, or comma-separated).")
  List<String> kinds = new ArrayList<>();

  @Option(names = "--exclude-kind", paramLabel = "K",
      description = "Leave out these resources, by kubectl name (repeatable, or comma-separated).")
  List<String> excludedKinds = new ArrayList<>();

  @Option(names = {"-l", "--selector"}, paramLabel = "SELECTOR",
      description = "Only objects whose labels match, in kubectl's syntax: app=web,tier!=db, 'env in (prod,staging)', release, '!canary'.")
  String labels;

  @Option(names = "--name", paramLabel = "GLOB", description = "Only objects whose name matches this glob, such as 'web-*' (repeatable).")
  List<String> names = new ArrayList<>();

  @Option(names = "--name-regex", paramLabel = "REGEX",
      description = "Only objects whose name contains a match of this regular expression (anchor it with ^ and $).")
  String nameRegex;

  @Option(names = "--portable", description = {
      "Only what can move to another cluster: no nodes, events, leases, masterleases, endpoints, endpointslices,",
      "ranges, ipaddresses, csinodes, volumeattachments, service-account token secrets, and no pods or ReplicaSets",
      "owned by a controller that is itself selected."})
  boolean portable;

  @Option(names = "--explain", description = "Print on stderr, for each excluded object, the rule that excluded it, then a count per rule.")
  boolean explain;

  @Option(names = "--all-keys", description = "Also keys outside the prefix, such as compact_rev_key.")
  boolean allKeys;

  /**
   * The selection the flags describe.
   *
   * @throws UsageException naming the flag, for a bad glob, selector, regex or resource name
   */
  Selection selection(ResourceCatalog catalog) {
    if (allNamespaces && !namespaces.isEmpty()) {
      throw new UsageException("-n and -A cannot be used together");
    }
    try {
      return Selection.builder(catalog).namespaces(split(namespaces)).excludeNamespaces(split(excludedNamespaces))
          .kinds(kindList()).excludeKinds(split(excludedKinds)).names(names).nameRegex(nameRegex).labels(labels)
          .portable(portable).allKeys(allKeys).build();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** The selection applied for one run, explaining on {@code err} with --explain. */
  ObjectSelector selector(Selection selection, ResourceCatalog catalog, String prefix, ValueCodec codec, PrintWriter err) {
    return new ObjectSelector(selection, prefix, catalog, codec, new Exclusions(explain ? err : null));
  }

  /** --kind values, each comma-separated list split. */
  List<String> kindList() {
    return split(kinds);
  }

  private static List<String> split(List<String> values) {
    return values.stream().flatMap(s -> Arrays.stream(s.split(","))).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /** For an archive's manifest: the selection flags beyond -n, --kind and --all-keys that were given. */
  Map<String, Object> manifestFields() {
    Map<String, Object> m = new LinkedHashMap<>();
    if (!excludedNamespaces.isEmpty()) {
      m.put("excludeNamespaces", new ArrayList<Object>(split(excludedNamespaces)));
    }
    if (!excludedKinds.isEmpty()) {
      m.put("excludeKinds", new ArrayList<Object>(split(excludedKinds)));
    }
    if (!names.isEmpty()) {
      m.put("names", new ArrayList<Object>(names));
    }
    if (nameRegex != null) {
      m.put("nameRegex", nameRegex);
    }
    if (labels != null && !labels.isBlank()) {
      m.put("labelSelector", labels);
    }
    if (portable) {
      m.put("portable", true);
    }
    return m;
  }

  /** True when a flag leaves out objects by namespace, kind, name or labels (--portable and --all-keys do not count). */
  boolean narrowsObjects() {
    return !namespaces.isEmpty() || !kindList().isEmpty() || !excludedNamespaces.isEmpty() || !excludedKinds.isEmpty()
        || labels != null || !names.isEmpty() || nameRegex != null;
  }

  /** True when a flag narrows or widens the selection. */
  boolean given() {
    return !namespaces.isEmpty() || !kinds.isEmpty() || allKeys || !excludedNamespaces.isEmpty()
        || !excludedKinds.isEmpty() || labels != null || !names.isEmpty() || nameRegex != null || portable;
  }
}
