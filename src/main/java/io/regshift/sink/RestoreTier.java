package io.regshift.sink;

import io.regshift.kube.RegistryKey;

/**
 * The order a restore writes resources in, as a real restore must: what others refer to or need
 * before they can be served (CRDs before custom resources, namespaces before what is in them,
 * storage before claims, RBAC and service accounts before workloads), then workloads and the rest,
 * then the data controllers rebuild anyway, events last.
 */
public enum RestoreTier {
  CRDS_AND_NAMESPACES,
  STORAGE_CLASSES,
  PERSISTENT_VOLUMES,
  PERSISTENT_VOLUME_CLAIMS,
  RBAC,
  SERVICE_ACCOUNTS,
  SECRETS_AND_CONFIGMAPS,
  WORKLOADS_AND_REST,
  CONTROLLER_MANAGED,
  EVENTS;

  public static RestoreTier of(RegistryKey key) {
    ShortLivedData shortLived = ShortLivedData.of(key);
    if (shortLived == ShortLivedData.EVENTS) {
      return EVENTS;
    }
    if (shortLived != null) {
      return CONTROLLER_MANAGED;
    }
    if (!key.inRegistry()) {
      return WORKLOADS_AND_REST;
    }
    return switch (key.groupResource()) {
      case "customresourcedefinitions.apiextensions.k8s.io", "namespaces" -> CRDS_AND_NAMESPACES;
      case "storageclasses.storage.k8s.io" -> STORAGE_CLASSES;
      case "persistentvolumes" -> PERSISTENT_VOLUMES;
      case "persistentvolumeclaims" -> PERSISTENT_VOLUME_CLAIMS;
      case "clusterroles.rbac.authorization.k8s.io", "clusterrolebindings.rbac.authorization.k8s.io",
          "roles.rbac.authorization.k8s.io", "rolebindings.rbac.authorization.k8s.io" -> RBAC;
      case "serviceaccounts" -> SERVICE_ACCOUNTS;
      case "secrets", "configmaps" -> SECRETS_AND_CONFIGMAPS;
      default -> WORKLOADS_AND_REST;
    };
  }
}
