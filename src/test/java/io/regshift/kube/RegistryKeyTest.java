package io.regshift.kube;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RegistryKeyTest {

    private static final ResourceCatalog CATALOG = ResourceCatalog.builtin();

    private static RegistryKey parse(String key) {
        return RegistryKey.parse(key, "/registry", CATALOG);
    }

    private static String orDash(String value) {
        return value == null ? "-" : value;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        # key                                                             | groupResource                                    | namespace   | name
        /registry/pods/default/web-0                                      | pods                                             | default     | web-0
        /registry/minions/node-1.example.com                              | nodes                                            | -           | node-1.example.com
        /registry/services/specs/default/kubernetes                       | services                                         | default     | kubernetes
        /registry/services/endpoints/default/kubernetes                   | endpoints                                        | default     | kubernetes
        /registry/controllers/kube-system/dns                             | replicationcontrollers                           | kube-system | dns
        /registry/ingress/shop/front                                      | ingresses.networking.k8s.io                      | shop        | front
        /registry/podsecuritypolicy/restricted                            | podsecuritypolicies.policy                       | -           | restricted
        /registry/ranges/serviceips                                       | rangeallocations                                 | -           | serviceips
        /registry/ranges/secondaryserviceips                              | rangeallocations                                 | -           | secondaryserviceips
        /registry/ranges/servicenodeports                                 | rangeallocations                                 | -           | servicenodeports
        /registry/masterleases/10.0.0.1                                   | masterleases                                     | -           | 10.0.0.1
        /registry/masterleases/fd00::1                                    | masterleases                                     | -           | fd00::1
        /registry/apiextensions.k8s.io/customresourcedefinitions/crontabs.stable.example.com | customresourcedefinitions.apiextensions.k8s.io | - | crontabs.stable.example.com
        /registry/apiregistration.k8s.io/apiservices/v1.apps              | apiservices.apiregistration.k8s.io               | -           | v1.apps
        /registry/events/default/web-0.17a2b3c4d5e6f789                   | events                                           | default     | web-0.17a2b3c4d5e6f789
        /registry/deployments/default/web                                 | deployments.apps                                 | default     | web
        /registry/leases/kube-node-lease/node-1                           | leases.coordination.k8s.io                       | kube-node-lease | node-1
        /registry/clusterroles/system:controller:attachdetach-controller  | clusterroles.rbac.authorization.k8s.io           | -           | system:controller:attachdetach-controller
        /registry/clusterrolebindings/system:kube-dns                     | clusterrolebindings.rbac.authorization.k8s.io    | -           | system:kube-dns
        /registry/ipaddresses/2001:db8::1                                 | ipaddresses.networking.k8s.io                    | -           | 2001:db8::1
        /registry/ipaddresses/10.96.0.1                                   | ipaddresses.networking.k8s.io                    | -           | 10.96.0.1
        /registry/servicecidrs/kubernetes                                 | servicecidrs.networking.k8s.io                   | -           | kubernetes
        /registry/secrets/team-a/user@example.com                         | secrets                                          | team-a      | user@example.com
        /registry/stable.example.com/crontabs/default/my-cron             | crontabs.stable.example.com                      | default     | my-cron
        /registry/custom.fancy.com/pants/cr2pant                          | pants.custom.fancy.com                           | -           | cr2pant
        """)
    void parsesKnownAndIrregularPaths(String key, String groupResource, String namespace, String name) {
        RegistryKey parsed = parse(key);
        assertAll(
                () -> assertTrue(parsed.inRegistry()),
                () -> assertEquals(groupResource, parsed.groupResource()),
                () -> assertEquals(namespace, orDash(parsed.namespace())),
                () -> assertEquals(name, parsed.name()),
                () -> assertEquals(key, parsed.key(), "rebuilt key"));
    }

    @Test
    void customResourceScopeFollowsTheSegmentCount() {
        RegistryKey namespaced = parse("/registry/stable.example.com/crontabs/default/my-cron");
        RegistryKey clusterScoped = parse("/registry/stable.example.com/crontabs/my-cron");
        assertAll(
                () -> assertEquals("stable.example.com", namespaced.group()),
                () -> assertEquals("crontabs", namespaced.resource()),
                () -> assertTrue(namespaced.resourceInfo().isCustomResource()),
                () -> assertEquals(ResourceScope.NAMESPACED, namespaced.resourceInfo().scope()),
                () -> assertEquals(ResourceScope.CLUSTER, clusterScoped.resourceInfo().scope()),
                () -> assertNull(clusterScoped.namespace()),
                () -> assertEquals("my-cron", clusterScoped.name()));
    }

    @Test
    void builtinKeysCarryTheirResource() {
        RegistryKey service = parse("/registry/services/specs/default/kubernetes");
        assertAll(
                () -> assertEquals("", service.group()),
                () -> assertEquals("services", service.resource()),
                () -> assertEquals("services/specs", service.keyPath()),
                () -> assertEquals("Service", service.info().orElseThrow().kind()));
        RegistryKey range = parse("/registry/ranges/servicenodeports");
        assertEquals("RangeAllocation", range.info().orElseThrow().kind());
        assertEquals("v1", range.info().orElseThrow().storageVersion());
        RegistryKey masterLease = parse("/registry/masterleases/192.168.1.10");
        assertEquals("Endpoints", masterLease.info().orElseThrow().kind());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        # key                                         | resource  | keyPath          | namespace | name
        /registry/widgets/default/w1                  | widgets   | widgets          | default   | w1
        /registry/widgets/w1                          | widgets   | widgets          | -         | w1
        /registry/services/weird/default/s1           | services  | services/weird   | default   | s1
        /registry/oauth/accesstokens/ns/t1            | oauth     | oauth/accesstokens | ns      | t1
        """)
    void parsesUnknownResourcesGenerically(String key, String resource, String keyPath, String namespace, String name) {
        RegistryKey parsed = parse(key);
        assertAll(
                () -> assertTrue(parsed.inRegistry()),
                () -> assertEquals(resource, parsed.resource()),
                () -> assertEquals(keyPath, parsed.keyPath()),
                () -> assertNull(parsed.group()),
                () -> assertTrue(parsed.info().isEmpty()),
                () -> assertEquals(namespace, orDash(parsed.namespace())),
                () -> assertEquals(name, parsed.name()),
                () -> assertEquals(key, parsed.key()));
    }

    @ParameterizedTest(name = "{0} under {1}")
    @CsvSource({
        "/kubernetes.io/pods/openshift-etcd/etcd-0, /kubernetes.io, pods, openshift-etcd, etcd-0",
        "/kubernetes.io/pods/openshift-etcd/etcd-0, /kubernetes.io/, pods, openshift-etcd, etcd-0",
        "/kubernetes.io/pods/openshift-etcd/etcd-0, kubernetes.io, pods, openshift-etcd, etcd-0",
        "/openshift.io/routes/default/console, /openshift.io, routes, default, console",
        "/custom/prefix/minions/n1, /custom/prefix/, nodes, -, n1",
        "/minions/n1, /, nodes, -, n1",
    })
    void parsesUnderOtherPrefixes(String key, String prefix, String groupResource, String namespace, String name) {
        RegistryKey parsed = RegistryKey.parse(key, prefix, CATALOG);
        assertAll(
                () -> assertTrue(parsed.inRegistry()),
                () -> assertEquals(groupResource, parsed.groupResource()),
                () -> assertEquals(namespace, orDash(parsed.namespace())),
                () -> assertEquals(name, parsed.name()),
                () -> assertEquals(key, parsed.key()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"compact_rev_key", "/registryx/pods/a/b", "/registry", "/kubernetes.io/pods/a/b", "health"})
    void keysOutsideThePrefixAreFlaggedNotParsed(String key) {
        RegistryKey outside = parse(key);
        assertAll(
                () -> assertFalse(outside.inRegistry()),
                () -> assertNull(outside.resource()),
                () -> assertNull(outside.name()),
                () -> assertEquals(key, outside.key()));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/registry/",
        "/registry//default/x",
        "/registry/pods//web-0",
        "/registry/pods/default/",
        "/registry/pods/default",
        "/registry/pods/a/b/c",
        "/registry/namespaces/a/b",
        "/registry/services/specs/default",
        "/registry/ranges",
        "/registry/stable.example.com/crontabs",
        "/registry/stable.example.com/crontabs/a/b/c",
        "/registry/widgets",
    })
    void malformedKeysAreRejectedNamingTheKey(String key) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(key));
        assertTrue(e.getMessage().contains("\"" + key + "\""), e.getMessage());
    }

    @Test
    void malformedKeyMessagesSayWhatIsWrong() {
        String missingName = assertThrows(IllegalArgumentException.class,
                () -> parse("/registry/pods/default")).getMessage();
        assertTrue(missingName.contains("/registry/pods/<namespace>/<name>"), missingName);
        String emptySegment = assertThrows(IllegalArgumentException.class,
                () -> parse("/registry/pods//web-0")).getMessage();
        assertTrue(emptySegment.contains("empty"), emptySegment);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "ingresses.extensions, /registry/ingress/shop/front",
        "ingresses.networking.k8s.io, /registry/ingress/shop/front",
        "events, /registry/events/shop/front",
        "events.events.k8s.io, /registry/events/shop/front",
        "deployments.extensions, /registry/deployments/shop/front",
        "deploy, /registry/deployments/shop/front",
        "rc, /registry/controllers/shop/front",
        "svc, /registry/services/specs/shop/front",
        "ep, /registry/services/endpoints/shop/front",
    })
    void buildsNamespacedKeysForEveryGroupThatSharesALocation(String resource, String expectedKey) {
        ResourceInfo info = CATALOG.resolve(resource).orElseThrow();
        assertEquals(expectedKey, RegistryKey.of("/registry", info, "shop", "front").key());
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "extensions/v1beta1, PodSecurityPolicy, /registry/podsecuritypolicy/restricted",
        "policy/v1beta1, PodSecurityPolicy, /registry/podsecuritypolicy/restricted",
        "v1, Node, /registry/minions/restricted",
        "apiextensions.k8s.io/v1, CustomResourceDefinition, /registry/apiextensions.k8s.io/customresourcedefinitions/restricted",
        "apiregistration.k8s.io/v1, APIService, /registry/apiregistration.k8s.io/apiservices/restricted",
    })
    void buildsClusterScopedKeysFromKinds(String apiVersion, String kind, String expectedKey) {
        ResourceInfo info = CATALOG.byKind(apiVersion, kind).orElseThrow();
        assertEquals(expectedKey, RegistryKey.of("registry/", info, null, "restricted").key());
    }

    @Test
    void builtKeysParseBackToTheSameParts() {
        ResourceInfo crontabs = CATALOG.resolve("crontabs.stable.example.com").orElseThrow();
        RegistryKey built = RegistryKey.of("/kubernetes.io", crontabs, "default", "nightly");
        assertEquals("/kubernetes.io/stable.example.com/crontabs/default/nightly", built.key());
        RegistryKey parsed = RegistryKey.parse(built.key(), "/kubernetes.io", CATALOG);
        assertEquals(built.key(), parsed.key());
        assertEquals("default", parsed.namespace());
        assertEquals("nightly", parsed.name());
    }

    @Test
    void buildingRejectsANamespaceThatDoesNotFitTheScope() {
        ResourceInfo pods = CATALOG.resolve("pods").orElseThrow();
        ResourceInfo nodes = CATALOG.resolve("nodes").orElseThrow();
        String noNamespace = assertThrows(IllegalArgumentException.class,
                () -> RegistryKey.of("/registry", pods, null, "web-0")).getMessage();
        assertTrue(noNamespace.contains("namespaced"), noNamespace);
        String extraNamespace = assertThrows(IllegalArgumentException.class,
                () -> RegistryKey.of("/registry", nodes, "default", "n1")).getMessage();
        assertTrue(extraNamespace.contains("cluster-scoped"), extraNamespace);
        assertThrows(IllegalArgumentException.class, () -> RegistryKey.of("/registry", pods, "default", "a/b"));
        assertThrows(IllegalArgumentException.class, () -> RegistryKey.of("/registry", pods, "", "web-0"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "deployments, /registry/deployments/<namespace>/<name>",
        "nodes, /registry/minions/<name>",
        "services, /registry/services/specs/<namespace>/<name>",
        "crd, /registry/apiextensions.k8s.io/customresourcedefinitions/<name>",
        "crontabs.stable.example.com, /registry/stable.example.com/crontabs[/<namespace>]/<name>",
    })
    void rendersTheKeyPatternOfAResource(String resource, String pattern) {
        assertEquals(pattern, RegistryKey.pattern("/registry/", CATALOG.resolve(resource).orElseThrow()));
    }

    @Test
    void everyBuiltinResourceRoundTripsThroughItsKey() {
        for (ResourceInfo info : CATALOG.all()) {
            String namespace = info.namespaced() ? "ns-1" : null;
            RegistryKey built = RegistryKey.of("/registry", info, namespace, "name.with:colon");
            RegistryKey parsed = parse(built.key());
            assertEquals(info, parsed.resourceInfo(), built.key());
            assertEquals(namespace, parsed.namespace(), built.key());
            assertEquals("name.with:colon", parsed.name(), built.key());
        }
    }
}
