package io.regshift.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Consistency of the bundled table: mistakes here would misname keys or objects silently. */
class ResourceTableTest {

    private final List<ResourceInfo> all = ResourceCatalog.builtin().all();

    @Test
    void coversTheResourcesOfEveryGroupTheBriefNames() {
        List<String> expected = List.of(
                "pods", "services", "endpoints", "nodes", "namespaces", "secrets", "configmaps", "serviceaccounts",
                "persistentvolumes", "persistentvolumeclaims", "replicationcontrollers", "podtemplates",
                "limitranges", "resourcequotas", "events", "rangeallocations", "masterleases",
                "deployments.apps", "daemonsets.apps", "replicasets.apps", "statefulsets.apps", "controllerrevisions.apps",
                "jobs.batch", "cronjobs.batch", "horizontalpodautoscalers.autoscaling",
                "ingresses.networking.k8s.io", "networkpolicies.networking.k8s.io", "ingressclasses.networking.k8s.io",
                "ipaddresses.networking.k8s.io", "servicecidrs.networking.k8s.io", "clustercidrs.networking.k8s.io",
                "poddisruptionbudgets.policy", "podsecuritypolicies.policy",
                "roles.rbac.authorization.k8s.io", "rolebindings.rbac.authorization.k8s.io",
                "clusterroles.rbac.authorization.k8s.io", "clusterrolebindings.rbac.authorization.k8s.io",
                "storageclasses.storage.k8s.io", "volumeattachments.storage.k8s.io", "csidrivers.storage.k8s.io",
                "csinodes.storage.k8s.io", "csistoragecapacities.storage.k8s.io", "volumeattributesclasses.storage.k8s.io",
                "priorityclasses.scheduling.k8s.io", "leases.coordination.k8s.io", "leasecandidates.coordination.k8s.io",
                "runtimeclasses.node.k8s.io", "endpointslices.discovery.k8s.io",
                "flowschemas.flowcontrol.apiserver.k8s.io", "prioritylevelconfigurations.flowcontrol.apiserver.k8s.io",
                "certificatesigningrequests.certificates.k8s.io", "clustertrustbundles.certificates.k8s.io",
                "podcertificaterequests.certificates.k8s.io",
                "validatingwebhookconfigurations.admissionregistration.k8s.io",
                "mutatingwebhookconfigurations.admissionregistration.k8s.io",
                "validatingadmissionpolicies.admissionregistration.k8s.io",
                "validatingadmissionpolicybindings.admissionregistration.k8s.io",
                "mutatingadmissionpolicies.admissionregistration.k8s.io",
                "mutatingadmissionpolicybindings.admissionregistration.k8s.io",
                "storageversions.internal.apiserver.k8s.io", "storageversionmigrations.storagemigration.k8s.io",
                "resourceclaims.resource.k8s.io", "resourceclaimtemplates.resource.k8s.io",
                "resourceslices.resource.k8s.io", "deviceclasses.resource.k8s.io", "devicetaintrules.resource.k8s.io",
                "podschedulingcontexts.resource.k8s.io", "resourceclasses.resource.k8s.io",
                "resourceclaimparameters.resource.k8s.io", "resourceclassparameters.resource.k8s.io",
                "podpresets.settings.k8s.io", "customresourcedefinitions.apiextensions.k8s.io",
                "apiservices.apiregistration.k8s.io");
        List<String> present = all.stream().map(ResourceInfo::groupResource).toList();
        for (String groupResource : expected) {
            assertTrue(present.contains(groupResource), "missing " + groupResource);
        }
    }

    @Test
    void storageVersionIsOneOfTheServedVersionsOfItsOwnGroup() {
        for (ResourceInfo info : all) {
            assertTrue(info.servedAs(info.storageVersion()), info.groupResource() + " stores " + info.storageVersion());
            assertEquals(info.group(), ResourceInfo.groupOf(info.storageVersion()), info.groupResource());
        }
    }

    @Test
    void namesAreUniqueAcrossResources() {
        Map<String, String> owner = new HashMap<>();
        for (ResourceInfo info : all) {
            for (String name : names(info)) {
                String previous = owner.putIfAbsent(name, info.groupResource());
                if (previous != null && !previous.equals(info.groupResource())) {
                    fail(name + " names both " + previous + " and " + info.groupResource());
                }
            }
        }
    }

    private static List<String> names(ResourceInfo info) {
        var names = new java.util.ArrayList<>(info.shortNames());
        names.add(info.resource());
        names.add(info.singular());
        return names;
    }

    @Test
    void irregularKeyPathsMatchTheApiserver() {
        Map<String, String> expected = Map.of(
                "nodes", "minions",
                "services", "services/specs",
                "endpoints", "services/endpoints",
                "replicationcontrollers", "controllers",
                "ingresses.networking.k8s.io", "ingress",
                "podsecuritypolicies.policy", "podsecuritypolicy",
                "customresourcedefinitions.apiextensions.k8s.io", "apiextensions.k8s.io/customresourcedefinitions",
                "apiservices.apiregistration.k8s.io", "apiregistration.k8s.io/apiservices",
                "rangeallocations", "ranges");
        for (ResourceInfo info : all) {
            String keyPath = expected.getOrDefault(info.groupResource(), info.resource());
            assertEquals(keyPath, info.keyPath(), info.groupResource());
        }
    }

    @Test
    void removedResourcesAreStillListed() {
        ResourceCatalog catalog = ResourceCatalog.builtin();
        assertEquals("1.25", catalog.resolve("psp").orElseThrow().removed());
        assertEquals("1.20", catalog.resolve("podpresets").orElseThrow().removed());
        assertEquals("1.29", catalog.resolve("clustercidrs").orElseThrow().removed());
        assertEquals(null, catalog.resolve("deployments").orElseThrow().removed());
    }
}
