package io.regshift.kube;

import java.io.InputStream;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The resources regshift knows, looked up the ways users and etcd name them: kubectl names
 * ({@link #resolve}), the apiVersion and Kind inside a stored object ({@link #byKind}) and the
 * key path segment(s) of a /registry key ({@link #byKeyPath}).
 */
public final class ResourceCatalog {

    private static final String BUILTIN_TABLE = "builtin-resources.tsv";

    /** Kubernetes version names: v1, v2beta1, v1alpha3. */
    private static final Pattern VERSION = Pattern.compile("v\\d+(?:(?:alpha|beta)\\d+)?");

    private final List<ResourceInfo> resources;
    private final Map<String, ResourceInfo> byKeyPath = new HashMap<>();
    private final Set<String> groups = new HashSet<>();

    private ResourceCatalog(List<ResourceInfo> resources) {
        this.resources = List.copyOf(resources);
        for (ResourceInfo info : this.resources) {
            ResourceInfo previous = byKeyPath.putIfAbsent(info.keyPath(), info);
            if (previous != null) {
                throw new IllegalArgumentException("key path " + info.keyPath() + " is claimed by both "
                        + previous.groupResource() + " and " + info.groupResource());
            }
            groups.add(info.group());
            info.apiVersions().forEach(apiVersion -> groups.add(ResourceInfo.groupOf(apiVersion)));
        }
    }

    /** The built-in Kubernetes resources, read once from the bundled table. */
    public static ResourceCatalog builtin() {
        return Builtin.CATALOG;
    }

    /** A catalog of the given resources, e.g. the built-ins plus CRDs found in a snapshot. */
    public static ResourceCatalog of(List<ResourceInfo> resources) {
        return new ResourceCatalog(resources);
    }

    public List<ResourceInfo> all() {
        return resources;
    }

    /** Whether a group is served by a resource of this catalog (cohabiting groups such as extensions count). */
    public boolean isKnownGroup(String group) {
        return groups.contains(group);
    }

    /**
     * Resolves a name the way kubectl does: plural, singular, short name or Kind (any case),
     * optionally qualified as {@code resource.group} or {@code resource.version.group}.
     * When several resources answer, the one still served wins, then the first in the table.
     * A {@code plural.group} whose group is not built in names a custom resource of unknown
     * Kind and scope.
     */
    public Optional<ResourceInfo> resolve(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        int dot = wanted.indexOf('.');
        if (dot < 0) {
            return byAnyName(wanted, info -> true);
        }
        String resourcePart = wanted.substring(0, dot);
        String qualifier = wanted.substring(dot + 1);
        if (resourcePart.isEmpty() || qualifier.isEmpty()) {
            return Optional.empty();
        }
        String group = qualifier;
        int versionEnd = qualifier.indexOf('.');
        if (versionEnd > 0 && VERSION.matcher(qualifier.substring(0, versionEnd)).matches()) {
            String version = qualifier.substring(0, versionEnd);
            String versionGroup = qualifier.substring(versionEnd + 1);
            Optional<ResourceInfo> exact = byAnyName(resourcePart, info -> info.servedAs(versionGroup + "/" + version));
            if (exact.isPresent() || isKnownGroup(versionGroup)) {
                // A built-in group that never served the resource at that version: kubectl fails too.
                return exact;
            }
            if (!isKnownGroup(qualifier)) {
                group = versionGroup;
            }
        }
        String qualifiedGroup = group;
        Optional<ResourceInfo> builtin = byAnyName(resourcePart, info -> info.servedInGroup(qualifiedGroup));
        if (builtin.isPresent() || isKnownGroup(group) || !group.contains(".")) {
            // CRD groups must contain a dot, so a dotless unknown group is a typo, not a CR.
            return builtin;
        }
        return Optional.of(ResourceInfo.customResource(group, resourcePart, ResourceScope.UNKNOWN));
    }

    /** The resource whose objects carry this apiVersion and Kind, e.g. ("extensions/v1beta1", "Deployment"). */
    public Optional<ResourceInfo> byKind(String apiVersion, String kind) {
        return resources.stream()
                .filter(info -> kind.equals(info.kind()) && info.servedAs(apiVersion))
                .findFirst();
    }

    /** The resource stored under these key segment(s), e.g. "minions" or "services/specs". */
    public Optional<ResourceInfo> byKeyPath(String keyPath) {
        return Optional.ofNullable(byKeyPath.get(keyPath));
    }

    // Plural beats singular beats short name beats Kind, as in kubectl's RESTMapper.
    private Optional<ResourceInfo> byAnyName(String name, Predicate<ResourceInfo> filter) {
        List<Function<ResourceInfo, List<String>>> tiers = List.of(
                info -> List.of(info.resource()),
                info -> info.singular() == null ? List.of() : List.of(info.singular()),
                ResourceInfo::shortNames,
                info -> info.kind() == null ? List.of() : List.of(info.kind().toLowerCase(Locale.ROOT)));
        for (Function<ResourceInfo, List<String>> tier : tiers) {
            Optional<ResourceInfo> match = resources.stream()
                    .filter(filter)
                    .filter(info -> tier.apply(info).contains(name))
                    .min(Comparator.comparing(ResourceInfo::isRemoved));
            if (match.isPresent()) {
                return match;
            }
        }
        return Optional.empty();
    }

    /** Loads the bundled table on first use only. */
    private static final class Builtin {
        static final ResourceCatalog CATALOG = load();

        private static ResourceCatalog load() {
            InputStream in = ResourceCatalog.class.getResourceAsStream(BUILTIN_TABLE);
            if (in == null) {
                throw new IllegalStateException("missing class-path resource io/regshift/kube/" + BUILTIN_TABLE);
            }
            return new ResourceCatalog(ResourceTableReader.read(in, BUILTIN_TABLE));
        }
    }
}
