package io.regshift.select;

import io.regshift.kube.RegistryKey;
import io.regshift.kube.ResourceCatalog;
import io.regshift.kube.ResourceInfo;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which objects a command works on, decided from the key alone (before any value is decoded):
 * namespaces, resource kinds, and whether keys outside the prefix count.
 */
public final class Selection {
  private final Set<String> namespaces;
  private final List<KindName> kinds;
  private final boolean allKeys;

  /** A --kind argument and, when the catalog knows it, the resource it names. */
  private record KindName(String given, ResourceInfo info) {}

  /**
   * @param namespaces only objects in these namespaces (cluster-scoped objects are then left out);
   *                   empty for every namespace and the cluster-scoped objects
   * @param kinds      kubectl names of resources (deploy, deployments.apps, crontabs.stable.example.com);
   *                   empty for every resource
   * @param allKeys    also keys outside the prefix, such as compact_rev_key
   */
  public Selection(List<String> namespaces, List<String> kinds, boolean allKeys, ResourceCatalog catalog) {
    this.namespaces = new LinkedHashSet<>(namespaces);
    this.kinds = new ArrayList<>();
    for (String k : kinds) {
      Optional<ResourceInfo> info = catalog.resolve(k);
      this.kinds.add(new KindName(k, info.orElse(null)));
    }
    this.allKeys = allKeys;
  }

  public static Selection everything() {
    return new Selection(List.of(), List.of(), false, ResourceCatalog.builtin());
  }

  /** True when no namespace or kind narrows it: every key of the range is selected, unparsed. */
  public boolean keepsEverything() {
    return namespaces.isEmpty() && kinds.isEmpty();
  }

  public boolean matches(RegistryKey key) {
    if (!key.inRegistry()) {
      return allKeys && namespaces.isEmpty() && kinds.isEmpty();
    }
    if (!namespaces.isEmpty() && (key.namespace() == null || !namespaces.contains(key.namespace()))) {
      return false;
    }
    if (kinds.isEmpty()) {
      return true;
    }
    for (KindName k : kinds) {
      if (k.info != null ? k.info.keyPath().equals(key.keyPath()) : k.given.equals(key.resource())) {
        return true;
      }
    }
    return false;
  }

  /** --kind names the catalog does not know: they can only match custom resources by plural. */
  public List<String> unresolvedKinds() {
    return kinds.stream().filter(k -> k.info == null).map(KindName::given).toList();
  }

  public boolean includesKeysOutsidePrefix() {
    return allKeys;
  }
}
