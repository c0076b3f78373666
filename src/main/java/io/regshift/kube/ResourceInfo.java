package io.regshift.kube;

import java.util.List;
import java.util.Objects;

/**
 * What regshift knows about one resource: how kubectl names it, which API versions served it,
 * which one the apiserver writes to etcd and where its keys live.
 *
 * <p>Resources that share one etcd location across groups (deployments in extensions and apps,
 * events in core and events.k8s.io, ...) are one ResourceInfo: {@link #group()} is the group
 * that serves it today (or last served it), {@link #apiVersions()} lists every group/version.
 *
 * @param group          API group, "" for the core group
 * @param resource       plural resource name, e.g. "deployments"
 * @param singular       singular name, e.g. "deployment"; null for custom resources
 * @param kind           stored Kind, e.g. "Deployment"; null for custom resources (unknown)
 * @param scope          namespaced, cluster-scoped, or unknown
 * @param shortNames     kubectl short names, e.g. ["deploy"]
 * @param apiVersions    every apiVersion that served it, oldest first, e.g. "extensions/v1beta1", "apps/v1"
 * @param storageVersion apiVersion written to etcd (Kubernetes 1.36, or the last one for removed
 *                       resources); null when unknown
 * @param keyPath        key segment(s) after the prefix, e.g. "minions" or "services/specs"
 * @param since          first Kubernetes minor that served it, e.g. "1.2"; null when unknown
 * @param removed        first Kubernetes minor without it; null while still served
 */
public record ResourceInfo(
        String group,
        String resource,
        String singular,
        String kind,
        ResourceScope scope,
        List<String> shortNames,
        List<String> apiVersions,
        String storageVersion,
        String keyPath,
        String since,
        String removed) {

    public ResourceInfo {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(keyPath, "keyPath");
        shortNames = List.copyOf(shortNames);
        apiVersions = List.copyOf(apiVersions);
    }

    /**
     * A custom resource known only by group and plural, as CRs are stored by the
     * apiextensions-apiserver at {@code <group>/<plural>}.
     */
    public static ResourceInfo customResource(String group, String plural, ResourceScope scope) {
        return new ResourceInfo(group, plural, null, null, scope, List.of(), List.of(), null,
                group + "/" + plural, null, null);
    }

    /** kubectl's qualified name: "deployments.apps", or just "pods" for the core group. */
    public String groupResource() {
        return group.isEmpty() ? resource : resource + "." + group;
    }

    /** The versions served in {@link #group()} itself, e.g. ["v1beta1", "v1beta2", "v1"] for apps deployments. */
    public List<String> versions() {
        return apiVersions.stream()
                .filter(apiVersion -> groupOf(apiVersion).equals(group))
                .map(ResourceInfo::versionOf)
                .toList();
    }

    /** Whether any version of {@code group} served this resource (cohabiting groups count). */
    public boolean servedInGroup(String group) {
        return apiVersions.stream().anyMatch(apiVersion -> groupOf(apiVersion).equals(group));
    }

    public boolean servedAs(String apiVersion) {
        return apiVersions.contains(apiVersion);
    }

    public boolean namespaced() {
        return scope == ResourceScope.NAMESPACED;
    }

    /** Built-in rows always carry a Kind; custom resources named by key or "plural.group" do not. */
    public boolean isCustomResource() {
        return kind == null;
    }

    public boolean isRemoved() {
        return removed != null;
    }

    /** The group of an apiVersion string: "apps" for "apps/v1", "" for core "v1". */
    public static String groupOf(String apiVersion) {
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    /** The version of an apiVersion string: "v1" for both "apps/v1" and "v1". */
    public static String versionOf(String apiVersion) {
        return apiVersion.substring(apiVersion.indexOf('/') + 1);
    }
}
