package io.regshift.kube;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * One etcd key, split into what it names: {@code <prefix>/<keyPath>/[<namespace>/]<name>}.
 *
 * <p>{@link #parse} understands the irregular built-in paths (minions, services/specs,
 * services/endpoints, controllers, ingress, podsecuritypolicy, ranges, masterleases, ...), custom
 * resources at {@code <group>/<plural>}, keys of resources it does not know, and keys outside the
 * prefix such as {@code compact_rev_key}. {@link #key()} rebuilds the key from its parts.
 *
 * @param raw          the key as read from etcd
 * @param prefix       the normalised prefix it was parsed against, e.g. "/registry"
 * @param keyPath      segment(s) naming the resource, e.g. "services/specs"; null outside the prefix
 * @param group        API group ("" for core); null when unknown or outside the prefix
 * @param resource     plural resource name, e.g. "services"; null outside the prefix
 * @param namespace    namespace; null for cluster-scoped objects
 * @param name         object name, e.g. "kubernetes"; null outside the prefix
 * @param resourceInfo the resource, built-in or custom; null when unknown or outside the prefix
 */
public record RegistryKey(
        String raw,
        String prefix,
        String keyPath,
        String group,
        String resource,
        String namespace,
        String name,
        ResourceInfo resourceInfo) {

    /** Parses a key against the default prefix and the built-in catalog. */
    public static RegistryKey parse(String key) {
        return parse(key, RegistryPrefix.DEFAULT, ResourceCatalog.builtin());
    }

    /**
     * Splits a key into resource, namespace and name.
     *
     * @throws IllegalArgumentException when a key under the prefix has empty segments, lacks a
     *                                  name, or has more segments than its resource allows
     */
    public static RegistryKey parse(String key, String prefix, ResourceCatalog catalog) {
        Objects.requireNonNull(key, "key");
        String normalizedPrefix = RegistryPrefix.normalize(prefix);
        String base = RegistryPrefix.keyBase(prefix);
        if (!key.startsWith(base)) {
            return new RegistryKey(key, normalizedPrefix, null, null, null, null, null, null);
        }
        String[] segments = segments(key, base.length());
        for (String segment : segments) {
            if (segment.isEmpty()) {
                throw invalid(key, "it has an empty path segment");
            }
        }
        if (segments.length >= 2) {
            // the key's own text for the first two segments: no concatenation per key
            int from = base.length();
            Optional<ResourceInfo> twoSegments = catalog.byKeyPath(
                    key.substring(from, from + segments[0].length() + 1 + segments[1].length()));
            if (twoSegments.isPresent()) {
                return known(key, normalizedPrefix, twoSegments.get(), segments, 2);
            }
        }
        Optional<ResourceInfo> oneSegment = catalog.byKeyPath(segments[0]);
        if (oneSegment.isPresent()) {
            return known(key, normalizedPrefix, oneSegment.get(), segments, 1);
        }
        if (segments[0].contains(".")) {
            return customResource(key, normalizedPrefix, segments);
        }
        return unknownResource(key, normalizedPrefix, segments);
    }

    /** {@code key} from {@code from} split at each '/', empty segments kept (split("/", -1), without its list). */
    private static String[] segments(String key, int from) {
        int count = 1;
        for (int i = key.indexOf('/', from); i >= 0; i = key.indexOf('/', i + 1)) {
            count++;
        }
        String[] out = new String[count];
        int k = 0;
        for (int i = key.indexOf('/', from); i >= 0; i = key.indexOf('/', from)) {
            out[k++] = key.substring(from, i);
            from = i + 1;
        }
        out[k] = key.substring(from);
        return out;
    }

    /**
     * The key at which the apiserver stores this object.
     *
     * @param namespace required for namespaced resources, null for cluster-scoped ones
     * @throws IllegalArgumentException when the namespace does not fit the resource's scope or a
     *                                  segment is empty or contains '/'
     */
    public static RegistryKey of(String prefix, ResourceInfo info, String namespace, String name) {
        Objects.requireNonNull(info, "info");
        String what = info.groupResource() + " " + (namespace == null ? "" : namespace + "/") + name;
        if (info.scope() == ResourceScope.NAMESPACED && namespace == null) {
            throw new IllegalArgumentException(what + ": " + info.groupResource() + " is namespaced; give a namespace");
        }
        if (info.scope() == ResourceScope.CLUSTER && namespace != null) {
            throw new IllegalArgumentException(what + ": " + info.groupResource() + " is cluster-scoped; give no namespace");
        }
        requireSegment(what, "name", name);
        if (namespace != null) {
            requireSegment(what, "namespace", namespace);
        }
        return new RegistryKey(join(prefix, info.keyPath(), namespace, name), RegistryPrefix.normalize(prefix),
                info.keyPath(), info.group(), info.resource(), namespace, name, info);
    }

    /**
     * The key layout of a resource for display, e.g. "/registry/deployments/&lt;namespace&gt;/&lt;name&gt;";
     * "[/&lt;namespace&gt;]" when the scope is unknown.
     */
    public static String pattern(String prefix, ResourceInfo info) {
        String namespacePart = switch (info.scope()) {
            case NAMESPACED -> "/<namespace>";
            case CLUSTER -> "";
            case UNKNOWN -> "[/<namespace>]";
        };
        return RegistryPrefix.keyBase(prefix) + info.keyPath() + namespacePart + "/<name>";
    }

    /** The key rebuilt from its parts; equals {@link #raw()} for every parsed key. */
    public String key() {
        if (!inRegistry()) {
            return raw;
        }
        return join(prefix, keyPath, namespace, name);
    }

    /** False for keys outside the prefix, such as the compactor's {@code compact_rev_key}. */
    public boolean inRegistry() {
        return keyPath != null;
    }

    public boolean namespaced() {
        return namespace != null;
    }

    public Optional<ResourceInfo> info() {
        return Optional.ofNullable(resourceInfo);
    }

    /** "deployments.apps", "pods", "crontabs.stable.example.com", or the bare key path when the group is unknown. */
    public String groupResource() {
        if (resourceInfo != null) {
            return resourceInfo.groupResource();
        }
        return keyPath;
    }

    private static RegistryKey known(String key, String prefix, ResourceInfo info, String[] segments, int consumed) {
        int expected = info.namespaced() ? 2 : 1;
        int remaining = segments.length - consumed;
        if (remaining != expected) {
            String problem = remaining == 0 ? "it has no object name" : "it has " + remaining + " segment(s) after "
                    + info.keyPath() + " where " + info.groupResource() + " has " + expected;
            throw invalid(key, problem + " (expected " + pattern(prefix, info) + ")");
        }
        String namespace = info.namespaced() ? segments[consumed] : null;
        return new RegistryKey(key, prefix, info.keyPath(), info.group(), info.resource(), namespace,
                segments[segments.length - 1], info);
    }

    // Custom resources: <group>/<plural>/[<namespace>/]<name>; the segment count gives the scope.
    private static RegistryKey customResource(String key, String prefix, String[] segments) {
        int remaining = segments.length - 2;
        if (remaining < 1) {
            throw invalid(key, "it has no object name (expected <group>/<plural>/[<namespace>/]<name>)");
        }
        if (remaining > 2) {
            throw invalid(key, "custom resource keys have at most a namespace and a name after <group>/<plural>");
        }
        ResourceScope scope = remaining == 2 ? ResourceScope.NAMESPACED : ResourceScope.CLUSTER;
        ResourceInfo info = ResourceInfo.customResource(segments[0], segments[1], scope);
        String namespace = remaining == 2 ? segments[2] : null;
        return new RegistryKey(key, prefix, info.keyPath(), info.group(), info.resource(), namespace,
                segments[segments.length - 1], info);
    }

    // Unknown resources: one trailing segment is a cluster-scoped name, two are namespace and
    // name; any further leading segments belong to the resource path, as in services/specs.
    private static RegistryKey unknownResource(String key, String prefix, String[] segments) {
        if (segments.length < 2) {
            throw invalid(key, "it has no object name after " + segments[0]);
        }
        boolean namespaced = segments.length >= 3;
        int pathLength = namespaced ? segments.length - 2 : 1;
        String keyPath = String.join("/", Arrays.copyOfRange(segments, 0, pathLength));
        String namespace = namespaced ? segments[segments.length - 2] : null;
        return new RegistryKey(key, prefix, keyPath, null, segments[0], namespace,
                segments[segments.length - 1], null);
    }

    private static String join(String prefix, String keyPath, String namespace, String name) {
        return RegistryPrefix.keyBase(prefix) + keyPath + (namespace == null ? "" : "/" + namespace) + "/" + name;
    }

    private static void requireSegment(String what, String role, String value) {
        if (value == null || value.isEmpty() || value.contains("/")) {
            throw new IllegalArgumentException(what + ": the " + role + " must be non-empty and contain no '/'");
        }
    }

    private static IllegalArgumentException invalid(String key, String problem) {
        return new IllegalArgumentException("invalid registry key \"" + key + "\": " + problem);
    }
}
