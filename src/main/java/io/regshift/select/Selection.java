package io.regshift.select;

import io.regshift.kube.ObjectHead;
import io.regshift.kube.RegistryKey;
import io.regshift.kube.ResourceCatalog;
import io.regshift.kube.ResourceInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which objects a command works on. Two stages: what the key decides (namespace globs and
 * exclusions, kinds and excluded kinds, name glob and regex, the --portable resource rules),
 * before any value is read; then what needs the object's metadata ({@link ObjectHead}): labels,
 * service-account token Secrets, and pods and ReplicaSets owned by a selected controller.
 *
 * <p>Each test answers the rule that excludes, or null when the object stays, so that every
 * exclusion can be counted and explained.
 */
public final class Selection {
  /** Resources whose objects --portable leaves out, by key path, with the reason. */
  private static final java.util.Map<String, String> NOT_PORTABLE = java.util.Map.ofEntries(
      java.util.Map.entry("minions", "nodes are not portable (each cluster registers its own)"),
      java.util.Map.entry("events", "events are not portable"),
      java.util.Map.entry("leases", "leases are not portable (held by this cluster's components)"),
      java.util.Map.entry("masterleases", "masterleases are not portable (this cluster's apiservers)"),
      java.util.Map.entry("services/endpoints", "endpoints are not portable (rebuilt from services and pods)"),
      java.util.Map.entry("endpointslices", "endpointslices are not portable (rebuilt from services and pods)"),
      java.util.Map.entry("ranges", "ranges are not portable (the allocators rebuild them)"),
      java.util.Map.entry("ipaddresses", "ipaddresses are not portable (the allocators rebuild them)"),
      java.util.Map.entry("csinodes", "csinodes are not portable (each node registers its own)"),
      java.util.Map.entry("volumeattachments", "volumeattachments are not portable (bound to this cluster's nodes)"));

  /** Controllers whose pods and ReplicaSets are recreated by them, by key path. */
  static final Set<String> CONTROLLERS = Set.of("replicasets", "deployments", "statefulsets", "daemonsets", "jobs",
      "cronjobs", "controllers");

  static final String SA_TOKEN_TYPE = "kubernetes.io/service-account-token";

  public static final String RULE_NAMESPACE = "-n: not in a selected namespace";
  public static final String RULE_CLUSTER_SCOPED = "-n: cluster-scoped (-n selects namespaced objects)";
  public static final String RULE_EXCLUDE_NAMESPACE = "--exclude-namespace: in an excluded namespace";
  public static final String RULE_KIND = "--kind: not a selected resource";
  public static final String RULE_EXCLUDE_KIND = "--exclude-kind: an excluded resource";
  public static final String RULE_NAME = "--name: the name does not match";
  public static final String RULE_NAME_REGEX = "--name-regex: the name does not match";
  public static final String RULE_LABELS = "-l: the labels do not match";
  public static final String RULE_LABELS_UNREADABLE = "-l: the labels cannot be read";
  public static final String RULE_OUTSIDE = "--all-keys: keys outside the prefix are not objects the other flags select";
  public static final String RULE_SA_TOKEN = "--portable: service-account token secrets are not portable";
  public static final String RULE_OWNED = "--portable: owned by a selected controller, which recreates it";
  public static final String RULE_PORTABLE_UNREADABLE = "--portable: kept unchecked, the value cannot be read";

  private final List<Glob> namespaces;
  private final List<Glob> excludedNamespaces;
  private final List<KindName> kinds;
  private final List<KindName> excludedKinds;
  private final List<Glob> names;
  private final Pattern nameRegex;
  private final LabelSelector labels;
  private final boolean portable;
  private final boolean allKeys;

  /** A --kind argument and, when the catalog knows it, the resource it names. */
  private record KindName(String given, ResourceInfo info) {
    boolean matches(RegistryKey key) {
      return info != null ? info.keyPath().equals(key.keyPath()) : given.equals(key.resource());
    }
  }

  /**
   * Namespaces and kinds only, as before the other flags existed.
   *
   * @param namespaces only objects in these namespaces (globs; cluster-scoped objects are then
   *                   left out); empty for every namespace and the cluster-scoped objects
   * @param kinds      kubectl names of resources (deploy, deployments.apps, crontabs.stable.example.com);
   *                   empty for every resource
   * @param allKeys    also keys outside the prefix, such as compact_rev_key
   */
  public Selection(List<String> namespaces, List<String> kinds, boolean allKeys, ResourceCatalog catalog) {
    this(builder(catalog).namespaces(namespaces).kinds(kinds).allKeys(allKeys));
  }

  private Selection(Builder b) {
    this.namespaces = b.namespaces;
    this.excludedNamespaces = b.excludedNamespaces;
    this.kinds = b.kinds;
    this.excludedKinds = b.excludedKinds;
    this.names = b.names;
    this.nameRegex = b.nameRegex;
    this.labels = b.labels;
    this.portable = b.portable;
    this.allKeys = b.allKeys;
  }

  public static Builder builder(ResourceCatalog catalog) {
    return new Builder(catalog);
  }

  public static Selection everything() {
    return builder(ResourceCatalog.builtin()).build();
  }

  /** True when nothing narrows it: every key of the range is selected, unparsed and unread. */
  public boolean keepsEverything() {
    return namespaces.isEmpty() && excludedNamespaces.isEmpty() && kinds.isEmpty() && excludedKinds.isEmpty()
        && names.isEmpty() && nameRegex == null && labels == null && !portable;
  }

  public boolean includesKeysOutsidePrefix() {
    return allKeys;
  }

  public boolean portable() {
    return portable;
  }

  /** True when a key stays through the key stage (the value stage may still leave it out). */
  public boolean matches(RegistryKey key) {
    return excludedByKey(key) == null;
  }

  /** The rule that leaves this key out before its value is read, or null when it stays. */
  public String excludedByKey(RegistryKey key) {
    if (!key.inRegistry()) {
      return !allKeys ? RULE_OUTSIDE : keepsEverything() ? null : RULE_OUTSIDE;
    }
    String ns = key.namespace();
    if (!namespaces.isEmpty()) {
      if (ns == null) {
        return RULE_CLUSTER_SCOPED;
      }
      if (!anyMatches(namespaces, ns)) {
        return RULE_NAMESPACE;
      }
    }
    if (ns != null && anyMatches(excludedNamespaces, ns)) {
      return RULE_EXCLUDE_NAMESPACE;
    }
    if (!kinds.isEmpty() && kinds.stream().noneMatch(k -> k.matches(key))) {
      return RULE_KIND;
    }
    if (excludedKinds.stream().anyMatch(k -> k.matches(key))) {
      return RULE_EXCLUDE_KIND;
    }
    if (!names.isEmpty() && !anyMatches(names, key.name())) {
      return RULE_NAME;
    }
    if (nameRegex != null && !nameRegex.matcher(key.name()).find()) {
      return RULE_NAME_REGEX;
    }
    if (portable) {
      String why = NOT_PORTABLE.get(key.keyPath());
      if (why != null) {
        return "--portable: " + why;
      }
    }
    return null;
  }

  /** True when the value stage has something to decide for this (key-selected) object. */
  public boolean needsHead(RegistryKey key) {
    return key.inRegistry() && (labels != null || portable && (isSecrets(key) || isOwnable(key)));
  }

  /** True when the --portable first pass must remember this object's uid, if it is selected. */
  public boolean isController(RegistryKey key) {
    return portable && key.inRegistry() && CONTROLLERS.contains(key.keyPath());
  }

  /**
   * The value stage: the rule that leaves the object out, or null when it stays.
   *
   * @param selectedControllers uids of the controllers this selection keeps (--portable's first pass)
   */
  public String excludedByHead(RegistryKey key, ObjectHead head, Set<String> selectedControllers) {
    String byLabels = excludedByLabels(head);
    if (byLabels != null) {
      return byLabels;
    }
    if (portable && isSecrets(key) && SA_TOKEN_TYPE.equals(head.secretType())) {
      return RULE_SA_TOKEN;
    }
    if (portable && isOwnable(key)) {
      ObjectHead.OwnerReference owner = head.controllerReference();
      if (owner != null && selectedControllers.contains(owner.uid())) {
        return RULE_OWNED;
      }
    }
    return null;
  }

  /** The label stage alone (the --portable first pass applies it to controllers). */
  String excludedByLabels(ObjectHead head) {
    return labels != null && !labels.matches(head.labels()) ? RULE_LABELS : null;
  }

  /**
   * The value stage for an object whose value cannot be read (encrypted without the
   * configuration, or not decodable): -l needs its labels to keep it, so it is left out;
   * --portable needs evidence to leave it out, so it stays, unchecked.
   */
  public String excludedUnread() {
    return labels != null ? RULE_LABELS_UNREADABLE : null;
  }

  private static boolean isSecrets(RegistryKey key) {
    return "secrets".equals(key.keyPath());
  }

  private static boolean isOwnable(RegistryKey key) {
    return "pods".equals(key.keyPath()) || "replicasets".equals(key.keyPath());
  }

  /** Key paths of the controllers --portable's first pass reads. */
  static Set<String> controllerKeyPaths() {
    return CONTROLLERS;
  }

  /** --kind names the catalog does not know: they can only match custom resources by plural. */
  public List<String> unresolvedKinds() {
    return kinds.stream().filter(k -> k.info == null).map(KindName::given).toList();
  }

  private static boolean anyMatches(List<Glob> globs, String s) {
    for (Glob g : globs) {
      if (g.matches(s)) {
        return true;
      }
    }
    return false;
  }

  /** Collects and checks the flags; {@link #build} refuses bad ones before anything is read. */
  public static final class Builder {
    private final ResourceCatalog catalog;
    private final List<Glob> namespaces = new ArrayList<>();
    private final List<Glob> excludedNamespaces = new ArrayList<>();
    private final List<KindName> kinds = new ArrayList<>();
    private final List<KindName> excludedKinds = new ArrayList<>();
    private final List<Glob> names = new ArrayList<>();
    private Pattern nameRegex;
    private LabelSelector labels;
    private boolean portable;
    private boolean allKeys;

    private Builder(ResourceCatalog catalog) {
      this.catalog = catalog;
    }

    public Builder namespaces(List<String> globs) {
      globs.forEach(g -> namespaces.add(glob("-n", g)));
      return this;
    }

    public Builder excludeNamespaces(List<String> globs) {
      globs.forEach(g -> excludedNamespaces.add(glob("--exclude-namespace", g)));
      return this;
    }

    public Builder kinds(List<String> kubectlNames) {
      kubectlNames.forEach(k -> kinds.add(kind("--kind", k)));
      return this;
    }

    public Builder excludeKinds(List<String> kubectlNames) {
      kubectlNames.forEach(k -> excludedKinds.add(kind("--exclude-kind", k)));
      return this;
    }

    public Builder names(List<String> globs) {
      globs.forEach(g -> names.add(glob("--name", g)));
      return this;
    }

    /** A Java regular expression found anywhere in the name (anchor it with ^ and $). */
    public Builder nameRegex(String regex) {
      if (regex != null) {
        try {
          nameRegex = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
          throw new IllegalArgumentException("--name-regex '" + regex + "': " + e.getDescription()
              + (e.getIndex() >= 0 ? " at character " + (e.getIndex() + 1) : ""));
        }
      }
      return this;
    }

    /** kubectl's label selector; null or blank for none. */
    public Builder labels(String selector) {
      if (selector != null && !selector.isBlank()) {
        try {
          labels = LabelSelector.parse(selector);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("-l '" + selector + "': " + e.getMessage());
        }
      }
      return this;
    }

    public Builder portable(boolean on) {
      portable = on;
      return this;
    }

    public Builder allKeys(boolean on) {
      allKeys = on;
      return this;
    }

    public Selection build() {
      return new Selection(this);
    }

    private static Glob glob(String flag, String g) {
      if (g.isEmpty()) {
        throw new IllegalArgumentException(flag + ": an empty name selects nothing");
      }
      try {
        return Glob.of(g);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(flag + " " + e.getMessage());
      }
    }

    /**
     * A kubectl resource name. Names the catalog does not know are kept only when they can name a
     * custom resource: a plural (a DNS label), matched against custom resources' keys.
     */
    private KindName kind(String flag, String given) {
      Optional<ResourceInfo> info = catalog.resolve(given);
      if (info.isPresent()) {
        return new KindName(given, info.get());
      }
      String name = given.trim().toLowerCase(java.util.Locale.ROOT);
      if (name.contains(".")) {
        String group = name.substring(name.indexOf('.') + 1);
        throw new IllegalArgumentException(flag + " " + given + ": " + (catalog.isKnownGroup(group)
            ? "the built-in group " + group + " has no such resource"
            : "no such resource (a custom resource's group has a dot: plural.example.com)")
            + "; `regshift kinds` lists the built-in ones");
      }
      if (!name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
        throw new IllegalArgumentException(flag + " " + given + ": not a resource name"
            + "; `regshift kinds` lists the built-in ones, custom resources are named plural or plural.group");
      }
      return new KindName(name, null);
    }
  }
}
