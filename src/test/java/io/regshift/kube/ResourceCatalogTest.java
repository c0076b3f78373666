package io.regshift.kube;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ResourceCatalogTest {

    private final ResourceCatalog catalog = ResourceCatalog.builtin();

    private String resolved(String name) {
        return catalog.resolve(name).map(ResourceInfo::groupResource).orElse("<none>");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "po, pods", "svc, services", "ep, endpoints", "no, nodes", "ns, namespaces", "cm, configmaps",
        "sa, serviceaccounts", "pv, persistentvolumes", "pvc, persistentvolumeclaims",
        "rc, replicationcontrollers", "limits, limitranges", "quota, resourcequotas", "ev, events",
        "deploy, deployments.apps", "ds, daemonsets.apps", "rs, replicasets.apps", "sts, statefulsets.apps",
        "cj, cronjobs.batch", "hpa, horizontalpodautoscalers.autoscaling",
        "ing, ingresses.networking.k8s.io", "netpol, networkpolicies.networking.k8s.io",
        "ip, ipaddresses.networking.k8s.io",
        "pdb, poddisruptionbudgets.policy", "psp, podsecuritypolicies.policy",
        "pc, priorityclasses.scheduling.k8s.io", "sc, storageclasses.storage.k8s.io",
        "vac, volumeattributesclasses.storage.k8s.io",
        "csr, certificatesigningrequests.certificates.k8s.io",
        "crd, customresourcedefinitions.apiextensions.k8s.io",
        "crds, customresourcedefinitions.apiextensions.k8s.io",
    })
    void resolvesEveryKubectlShortName(String shortName, String groupResource) {
        assertEquals(groupResource, resolved(shortName));
    }

    @Test
    void everyShortNameInTheTableResolvesToItsOwnResource() {
        for (ResourceInfo info : catalog.all()) {
            for (String shortName : info.shortNames()) {
                assertEquals(info.groupResource(), resolved(shortName), "short name " + shortName);
            }
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "pods, pods", "pod, pods", "Pod, pods", "PODS, pods",
        "deployments, deployments.apps", "deployment, deployments.apps", "Deployment, deployments.apps",
        "endpoints, endpoints", "Endpoints, endpoints",
        "ingresses, ingresses.networking.k8s.io", "Ingress, ingresses.networking.k8s.io",
        "events, events", "Event, events",
        "networkpolicies, networkpolicies.networking.k8s.io",
        "podsecuritypolicies, podsecuritypolicies.policy",
        "horizontalpodautoscaler, horizontalpodautoscalers.autoscaling",
        "ValidatingAdmissionPolicyBinding, validatingadmissionpolicybindings.admissionregistration.k8s.io",
        "apiservices, apiservices.apiregistration.k8s.io",
    })
    void resolvesPluralSingularAndKindInAnyCase(String name, String groupResource) {
        assertEquals(groupResource, resolved(name));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "deployments.apps, deployments.apps",
        "deploy.apps, deployments.apps",
        "deployment.apps, deployments.apps",
        "deployments.v1.apps, deployments.apps",
        "deployments.v1beta2.apps, deployments.apps",
        "deployments.extensions, deployments.apps",
        "deployments.v1beta1.extensions, deployments.apps",
        "ingresses.extensions, ingresses.networking.k8s.io",
        "ing.networking.k8s.io, ingresses.networking.k8s.io",
        "ingresses.v1.networking.k8s.io, ingresses.networking.k8s.io",
        "events.events.k8s.io, events",
        "ev.events.k8s.io, events",
        "podsecuritypolicies.extensions, podsecuritypolicies.policy",
        "cronjobs.v2alpha1.batch, cronjobs.batch",
        "hpa.v2beta2.autoscaling, horizontalpodautoscalers.autoscaling",
        "customresourcedefinitions.apiextensions.k8s.io, customresourcedefinitions.apiextensions.k8s.io",
        "leases.coordination.k8s.io, leases.coordination.k8s.io",
    })
    void resolvesGroupQualifiedNames(String name, String groupResource) {
        assertEquals(groupResource, resolved(name));
    }

    @Test
    void aResourceOfAnUnknownGroupIsACustomResource() {
        ResourceInfo crontabs = catalog.resolve("crontabs.stable.example.com").orElseThrow();
        assertAll(
                () -> assertTrue(crontabs.isCustomResource()),
                () -> assertEquals("stable.example.com", crontabs.group()),
                () -> assertEquals("crontabs", crontabs.resource()),
                () -> assertNull(crontabs.kind()),
                () -> assertEquals(ResourceScope.UNKNOWN, crontabs.scope()),
                () -> assertEquals("stable.example.com/crontabs", crontabs.keyPath()));
        assertEquals("stable.example.com/crontabs",
                catalog.resolve("crontabs.v1.stable.example.com").orElseThrow().keyPath());
    }

    @ParameterizedTest
    @ValueSource(strings = {"foos", "foos.apps", "deployments.batch", "pods.v1", "pods.", ".apps", "", "psp.v1.policy"})
    void unknownNamesDoNotResolve(String name) {
        assertEquals(Optional.empty(), catalog.resolve(name));
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
        "extensions/v1beta1, Deployment, deployments.apps, deployments",
        "apps/v1beta1, Deployment, deployments.apps, deployments",
        "extensions/v1beta1, DaemonSet, daemonsets.apps, daemonsets",
        "extensions/v1beta1, Ingress, ingresses.networking.k8s.io, ingress",
        "networking.k8s.io/v1beta1, Ingress, ingresses.networking.k8s.io, ingress",
        "extensions/v1beta1, NetworkPolicy, networkpolicies.networking.k8s.io, networkpolicies",
        "extensions/v1beta1, PodSecurityPolicy, podsecuritypolicies.policy, podsecuritypolicy",
        "policy/v1beta1, PodSecurityPolicy, podsecuritypolicies.policy, podsecuritypolicy",
        "batch/v1beta1, CronJob, cronjobs.batch, cronjobs",
        "autoscaling/v2beta1, HorizontalPodAutoscaler, horizontalpodautoscalers.autoscaling, horizontalpodautoscalers",
        "events.k8s.io/v1, Event, events, events",
        "v1, Event, events, events",
        "v1, Endpoints, endpoints, services/endpoints",
        "v1, Node, nodes, minions",
        "v1, RangeAllocation, rangeallocations, ranges",
        "settings.k8s.io/v1alpha1, PodPreset, podpresets.settings.k8s.io, podpresets",
        "resource.k8s.io/v1alpha2, ResourceClass, resourceclasses.resource.k8s.io, resourceclasses",
        "apiextensions.k8s.io/v1beta1, CustomResourceDefinition, customresourcedefinitions.apiextensions.k8s.io, apiextensions.k8s.io/customresourcedefinitions",
    })
    void findsResourcesByKindIncludingRemovedVersions(String apiVersion, String kind, String groupResource, String keyPath) {
        ResourceInfo info = catalog.byKind(apiVersion, kind).orElseThrow();
        assertEquals(groupResource, info.groupResource());
        assertEquals(keyPath, info.keyPath());
    }

    @Test
    void kindLookupNeedsAVersionThatServedTheKind() {
        assertEquals(Optional.empty(), catalog.byKind("apps/v1", "Ingress"));
        assertEquals(Optional.empty(), catalog.byKind("extensions/v1beta1", "StatefulSet"));
        assertEquals(Optional.empty(), catalog.byKind("v1", "deployment"));
    }

    @Test
    void findsResourcesByKeyPath() {
        assertEquals("nodes", catalog.byKeyPath("minions").orElseThrow().groupResource());
        assertEquals("services", catalog.byKeyPath("services/specs").orElseThrow().groupResource());
        assertEquals("masterleases", catalog.byKeyPath("masterleases").orElseThrow().groupResource());
        assertEquals(Optional.empty(), catalog.byKeyPath("services"));
        assertEquals(Optional.empty(), catalog.byKeyPath("ingresses"));
    }

    @Test
    void versionsAreThoseOfTheResourcesOwnGroup() {
        ResourceInfo deployments = catalog.resolve("deployments").orElseThrow();
        assertEquals(List.of("v1beta1", "v1beta2", "v1"), deployments.versions());
        assertEquals(List.of("extensions/v1beta1", "apps/v1beta1", "apps/v1beta2", "apps/v1"), deployments.apiVersions());
        assertEquals("apps/v1", deployments.storageVersion());
    }

    @Test
    void twoResourcesMayNotClaimOneKeyPath() {
        ResourceInfo a = ResourceInfo.customResource("a.example.com", "things", ResourceScope.CLUSTER);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ResourceCatalog.of(List.of(a, a)));
        assertTrue(e.getMessage().contains("a.example.com/things"), e.getMessage());
    }
}
