package io.regshift.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every API type of the newest Kubernetes (the fixture names, "group.version.Kind") that the
 * apiserver stores must map to a resource, so that no stored object decodes as "unknown".
 */
class ResourceCatalogFixtureTest {

    private static final Path FIXTURES = Path.of("../shared/test-data/k8s-api-fixtures/HEAD");

    /** Fixtures that are requests, responses, options or subresources: never written to etcd. */
    private static final Set<String> NOT_STORED = Set.of(
            "admission.k8s.io.v1.AdmissionReview",
            "admission.k8s.io.v1beta1.AdmissionReview",
            "apidiscovery.k8s.io.v2.APIGroupDiscovery",
            "apidiscovery.k8s.io.v2beta1.APIGroupDiscovery",
            "apiextensions.k8s.io.v1.ConversionReview",
            "apiextensions.k8s.io.v1beta1.ConversionReview",
            "apps.v1beta1.DeploymentRollback",
            "apps.v1beta1.Scale",
            "apps.v1beta2.Scale",
            "authentication.k8s.io.v1.SelfSubjectReview",
            "authentication.k8s.io.v1.TokenRequest",
            "authentication.k8s.io.v1.TokenReview",
            "authentication.k8s.io.v1beta1.SelfSubjectReview",
            "authentication.k8s.io.v1beta1.TokenReview",
            "authorization.k8s.io.v1.LocalSubjectAccessReview",
            "authorization.k8s.io.v1.SelfSubjectAccessReview",
            "authorization.k8s.io.v1.SelfSubjectRulesReview",
            "authorization.k8s.io.v1.SubjectAccessReview",
            "authorization.k8s.io.v1beta1.LocalSubjectAccessReview",
            "authorization.k8s.io.v1beta1.SelfSubjectAccessReview",
            "authorization.k8s.io.v1beta1.SelfSubjectRulesReview",
            "authorization.k8s.io.v1beta1.SubjectAccessReview",
            "autoscaling.v1.Scale",
            "core.v1.APIGroup",
            "core.v1.APIVersions",
            "core.v1.Binding",
            "core.v1.ComponentStatus",
            "core.v1.CreateOptions",
            "core.v1.DeleteOptions",
            "core.v1.GetOptions",
            "core.v1.ListOptions",
            "core.v1.NodeProxyOptions",
            "core.v1.PatchOptions",
            "core.v1.PodAttachOptions",
            "core.v1.PodExecOptions",
            "core.v1.PodLogOptions",
            "core.v1.PodPortForwardOptions",
            "core.v1.PodProxyOptions",
            "core.v1.SerializedReference",
            "core.v1.ServiceProxyOptions",
            "core.v1.Status",
            "core.v1.UpdateOptions",
            "core.v1.WatchEvent",
            "extensions.v1beta1.DeploymentRollback",
            "extensions.v1beta1.Scale",
            "imagepolicy.k8s.io.v1alpha1.ImageReview",
            "lifecycle.k8s.io.v1alpha1.Eviction",
            "policy.v1.Eviction",
            "policy.v1beta1.Eviction");

    private Set<String> fixtureTypes;

    @BeforeEach
    void listFixtures() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(FIXTURES),
                "API fixtures not found at " + FIXTURES.toAbsolutePath() + " (../shared is absent); skipping");
        try (Stream<Path> files = Files.list(FIXTURES)) {
            fixtureTypes = files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".json"))
                    .map(name -> name.substring(0, name.length() - ".json".length()))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertTrue(fixtureTypes.size() > 100, "expected the full fixture set, found " + fixtureTypes.size());
    }

    @Test
    void everyStoredFixtureKindResolvesByKind() {
        List<String> unresolved = fixtureTypes.stream()
                .filter(type -> !NOT_STORED.contains(type))
                .filter(type -> ResourceCatalog.builtin().byKind(apiVersion(type), kind(type)).isEmpty())
                .toList();
        assertEquals(List.of(), unresolved, "stored kinds with no resource in builtin-resources.tsv");
    }

    @Test
    void noNotStoredFixtureKindResolvesByKind() {
        List<String> wronglyResolved = NOT_STORED.stream()
                .filter(type -> ResourceCatalog.builtin().byKind(apiVersion(type), kind(type)).isPresent())
                .sorted()
                .toList();
        assertEquals(List.of(), wronglyResolved, "kinds listed as not stored but found in the table");
    }

    @Test
    void theNotStoredListNamesOnlyExistingFixtures() {
        List<String> stale = NOT_STORED.stream().filter(type -> !fixtureTypes.contains(type)).sorted().toList();
        assertEquals(List.of(), stale, "NOT_STORED entries without a fixture");
    }

    // "apps.v1.Deployment" -> "apps/v1"; "core.v1.Pod" -> "v1"
    private static String apiVersion(String type) {
        String groupVersion = type.substring(0, type.lastIndexOf('.'));
        int versionStart = groupVersion.lastIndexOf('.');
        String group = groupVersion.substring(0, versionStart);
        String version = groupVersion.substring(versionStart + 1);
        return group.equals("core") ? version : group + "/" + version;
    }

    private static String kind(String type) {
        return type.substring(type.lastIndexOf('.') + 1);
    }
}
