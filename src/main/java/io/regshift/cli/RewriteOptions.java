package io.regshift.cli;

import io.regshift.kube.ResourceCatalog;
import io.regshift.kube.ValueCodec;
import io.regshift.rewrite.MapNamespaceRule;
import io.regshift.rewrite.Cidr;
import io.regshift.rewrite.MapRegistryRule;
import io.regshift.rewrite.ModifiersFileException;
import io.regshift.rewrite.ModifiersRule;
import io.regshift.rewrite.ResourceModifiers;
import io.regshift.rewrite.NewUidsRule;
import io.regshift.rewrite.NodePortRule;
import io.regshift.rewrite.PortRange;
import io.regshift.rewrite.ResourceVersionRule;
import io.regshift.rewrite.RewriteReport;
import io.regshift.rewrite.RewriteRule;
import io.regshift.rewrite.Rewriter;
import io.regshift.rewrite.ServiceCidrRule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The rewrite flags of export, backup and restore; builds the {@link Rewriter} (docs/rewrite.md). */
final class RewriteOptions {
  @Option(names = "--modifiers", paramLabel = "FILE",
      description = "Velero resource modifier rules (version v1: conditions, JSON patches, merge patches) applied to every selected object, before the other rules.")
  Path modifiers;

  @Option(names = "--new-uids",
      description = "Give every object a fresh uid, and every reference to it (ownerReferences, claimRef, targetRef, involvedObject, ...) the same.")
  boolean newUids;

  @Option(names = "--drop-dangling-owners",
      description = "With --new-uids: remove ownerReferences to objects outside the selection (default: keep and report them).")
  boolean dropDanglingOwners;

  @Option(names = "--map-namespace", paramLabel = "OLD=NEW",
      description = "Move namespace OLD to NEW: keys, metadata.namespace, the Namespace itself, and every reference to it (repeatable).")
  List<String> mapNamespace = new ArrayList<>();

  @Option(names = "--map-registry", paramLabel = "OLD=NEW",
      description = "Pull container images from NEW instead of OLD, a registry host or repository prefix, in pods and pod templates (repeatable).")
  List<String> mapRegistry = new ArrayList<>();

  @Option(names = "--service-cidr", paramLabel = "CIDR",
      description = "Move every Service's cluster IP into CIDR (the kubernetes Service gets the first address, offsets are kept where they fit); the allocator's bitmap, IPAddress objects and the ServiceCIDR kubernetes follow.")
  String serviceCidr;

  @Option(names = "--secondary-service-cidr", paramLabel = "CIDR",
      description = "The same for the other IP family of a dual-stack cluster (/registry/ranges/secondaryserviceips).")
  String secondaryServiceCidr;

  @Option(names = "--node-port-range", paramLabel = "FIRST-LAST",
      description = "Move node ports outside FIRST-LAST into it, without collisions, and write /registry/ranges/servicenodeports to match (default: node ports stay as they are).")
  String nodePortRange;

  @Option(names = "--report", paramLabel = "FILE",
      description = "Write every change the rewrite made to FILE, one JSON object per line (key, rule, path, old, new).")
  Path report;

  /** True when some rule is asked for. */
  boolean given() {
    return modifiers != null || newUids || !mapNamespace.isEmpty() || !mapRegistry.isEmpty() || givesServiceRanges();
  }

  /** True when --service-cidr, --secondary-service-cidr or --node-port-range is given. */
  boolean givesServiceRanges() {
    return serviceCidr != null || secondaryServiceCidr != null || nodePortRange != null;
  }

  /**
   * Service IPs and node ports are allocated over the whole cluster: with -n or --kind the first
   * pass would not see every Service, and a new address could be one a Service left out holds.
   */
  void checkSelection(SelectionOptions selection) {
    if (givesServiceRanges() && selection.narrowsObjects()) {
      throw new UsageException("--service-cidr, --secondary-service-cidr and --node-port-range allocate over every "
          + "Service of the cluster; leave out -n, --kind, -l, --name and the exclusions");
    }
  }

  /**
   * The rules in the order they apply.
   *
   * @param storesValues true for sinks that store values (etcd, archive, snapshot): resourceVersion
   *                     is then cleared, as kube-apiserver stores objects
   */
  List<RewriteRule> rules(boolean storesValues) {
    if (dropDanglingOwners && !newUids) {
      throw new UsageException("--drop-dangling-owners goes with --new-uids");
    }
    if (report != null && !given()) {
      throw new UsageException("--report lists what the rewrite flags (--modifiers, --new-uids, --map-namespace, "
          + "--map-registry, --service-cidr, --node-port-range, ...) change; none is given");
    }
    List<RewriteRule> rules = new ArrayList<>();
    if (modifiers != null) {
      try {
        rules.add(new ModifiersRule(ResourceModifiers.read(modifiers)));
      } catch (ModifiersFileException e) {
        throw new UsageException(e.getMessage());
      }
    }
    try {
      if (!mapNamespace.isEmpty()) {
        rules.add(new MapNamespaceRule(MapNamespaceRule.parse(mapNamespace)));
      }
      if (newUids) {
        rules.add(new NewUidsRule(dropDanglingOwners));
      }
      if (!mapRegistry.isEmpty()) {
        rules.add(new MapRegistryRule(MapRegistryRule.parse(mapRegistry)));
      }
      if (serviceCidr != null || secondaryServiceCidr != null) {
        rules.add(new ServiceCidrRule(
            serviceCidr == null ? null : Cidr.parse("--service-cidr", serviceCidr),
            secondaryServiceCidr == null ? null : Cidr.parse("--secondary-service-cidr", secondaryServiceCidr)));
      }
      if (nodePortRange != null) {
        rules.add(new NodePortRule(PortRange.parse("--node-port-range", nodePortRange)));
      }
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    if (storesValues && !rules.isEmpty()) {
      rules.add(new ResourceVersionRule());
    }
    return rules;
  }

  /** The engine for these flags (no rules: everything passes through). */
  Rewriter rewriter(ValueCodec codec, String prefix, ResourceCatalog catalog, boolean storesValues) {
    return new Rewriter(rules(storesValues), codec, prefix, catalog, storesValues);
  }

  /** --map-namespace as OLD → NEW (empty without it). */
  Map<String, String> namespaceMapping() {
    try {
      return MapNamespaceRule.parse(mapNamespace);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** The engine and the report (staged) for one run; the flags are checked first. */
  RewriteRun start(ValueCodec codec, String prefix, ResourceCatalog catalog, boolean storesValues) {
    Rewriter rewriter = rewriter(codec, prefix, catalog, storesValues);
    return new RewriteRun(rewriter, openReport());
  }

  /** The report, staged; null without --report. */
  RewriteReport openReport() {
    return report == null ? null : RewriteReport.create(report);
  }

  /** A summary such as "rewritten 120 objects (new-uids 120, map-namespace 14)". */
  static String summary(long rewritten, long dropped, Map<String, Long> perRule) {
    StringBuilder b = new StringBuilder(String.format("rewritten %,d %s", rewritten, rewritten == 1 ? "object" : "objects"));
    if (dropped > 0) {
      b.append(String.format(", dropped %,d", dropped));
    }
    if (!perRule.isEmpty()) {
      List<String> parts = new ArrayList<>();
      perRule.forEach((rule, n) -> parts.add(String.format("%s %,d", rule, n)));
      b.append(" (changes: ").append(String.join(", ", parts)).append(')');
    }
    return b.toString();
  }
}
