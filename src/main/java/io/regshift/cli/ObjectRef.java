package io.regshift.cli;

import io.regshift.kube.RegistryKey;
import io.regshift.kube.RegistryPrefix;
import io.regshift.kube.ResourceCatalog;
import io.regshift.kube.ResourceInfo;
import io.regshift.kube.ResourceScope;
import java.util.ArrayList;
import java.util.List;

/**
 * The object a user names on the command line: an etcd key, or kubectl's RESOURCE/NAME with -n.
 * A custom resource of unknown scope may live at two keys; both are candidates.
 */
record ObjectRef(String display, List<String> keys) {

  static ObjectRef parse(String arg, String namespace, String prefix, ResourceCatalog catalog) {
    int slash = arg.indexOf('/');
    // RESOURCE/NAME has exactly one inner slash; anything else is a key (/registry/..., compact_rev_key)
    if (arg.startsWith("/") || arg.startsWith(RegistryPrefix.keyBase(prefix)) || slash < 0) {
      return new ObjectRef("key \"" + arg + "\"", List.of(arg));
    }
    if (slash == arg.length() - 1 || arg.indexOf('/', slash + 1) >= 0) {
      throw new UsageException("\"" + arg + "\": name an object as RESOURCE/NAME (e.g. deploy/web) or give its etcd key (/registry/...)");
    }
    String resource = arg.substring(0, slash);
    String name = arg.substring(slash + 1);
    ResourceInfo info = catalog.resolve(resource)
        .orElseThrow(() -> new UsageException("\"" + resource + "\": no such resource type (try `regshift kinds`; custom resources are plural.group)"));
    String ns = namespace == null ? "default" : namespace;
    List<String> keys = new ArrayList<>();
    if (info.scope() != ResourceScope.CLUSTER) {
      keys.add(RegistryKey.of(prefix, nsScoped(info), ns, name).key());
    }
    if (info.scope() != ResourceScope.NAMESPACED) {
      keys.add(RegistryKey.of(prefix, clusterScoped(info), null, name).key());
    }
    String where = info.scope() == ResourceScope.CLUSTER ? "" : " in namespace \"" + ns + "\"";
    return new ObjectRef(info.groupResource() + " \"" + name + "\"" + where, keys);
  }

  private static ResourceInfo nsScoped(ResourceInfo i) {
    return i.scope() == ResourceScope.UNKNOWN ? ResourceInfo.customResource(i.group(), i.resource(), ResourceScope.NAMESPACED) : i;
  }

  private static ResourceInfo clusterScoped(ResourceInfo i) {
    return i.scope() == ResourceScope.UNKNOWN ? ResourceInfo.customResource(i.group(), i.resource(), ResourceScope.CLUSTER) : i;
  }
}
