package io.regshift.testdata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regshift.kube.Json;
import io.regshift.kube.StoredValue;
import io.regshift.kube.ValueCodec;
import io.regshift.testing.EtcdExtension;
import io.regshift.testing.EtcdServer;
import io.regshift.testing.Etcdctl;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo cluster written into a real etcd, then read back with etcdctl (not jetcd) and decoded
 * with our codec: the keys a user looks for, every value a valid object of its key's kind,
 * owner and endpoint references that resolve, allocator bitmaps that match the services, the
 * deletes, the history around the compaction, event leases, and the same content on a re-run.
 */
class DemoClusterTest {
  @RegisterExtension static EtcdExtension etcd = new EtcdExtension();

  private static MakeDemoCluster.Result result;
  private static Etcdctl etcdctl;
  private static Map<String, EtcdContent.Kv> registry;
  private static Map<String, StoredValue> values;

  @BeforeAll
  static void generate() {
    result = MakeDemoCluster.demo(etcd.endpoint(), MakeDemoCluster.DEFAULT_SEED);
    etcdctl = new Etcdctl(etcd.endpoint());
    registry = EtcdContent.get(etcdctl, "/registry/");
    values = ClusterChecks.decodeAll(registry);
  }

  @Test
  void theKeysAUserLooksForExist() {
    List<String> keys = EtcdContent.keys(etcdctl, "/registry/");
    List<String> expected = new ArrayList<>();
    for (String ns : List.of("default", "kube-system", "kube-public", "kube-node-lease", "shop", "blog")) {
      expected.add("/registry/namespaces/" + ns);
      expected.add("/registry/configmaps/" + ns + "/kube-root-ca.crt");
      expected.add("/registry/serviceaccounts/" + ns + "/default");
    }
    expected.addAll(List.of(
        "/registry/minions/cp-1",
        "/registry/minions/worker-1",
        "/registry/leases/kube-node-lease/cp-1",
        "/registry/leases/kube-node-lease/worker-1",
        "/registry/leases/kube-system/kube-controller-manager",
        "/registry/services/specs/default/kubernetes",
        "/registry/services/endpoints/default/kubernetes",
        "/registry/endpointslices/default/kubernetes",
        "/registry/services/specs/kube-system/kube-dns",
        "/registry/services/specs/shop/frontend",
        "/registry/services/endpoints/shop/frontend",
        "/registry/services/specs/blog/blog",
        "/registry/ranges/serviceips",
        "/registry/ranges/servicenodeports",
        "/registry/deployments/shop/frontend",
        "/registry/deployments/shop/cart",
        "/registry/deployments/blog/blog",
        "/registry/deployments/kube-system/coredns",
        "/registry/daemonsets/kube-system/kube-proxy",
        "/registry/configmaps/shop/frontend-config",
        "/registry/secrets/shop/cart-db",
        "/registry/secrets/shop/shop-tls",
        "/registry/secrets/shop/cart-token",
        "/registry/roles/shop/cart-config-reader",
        "/registry/rolebindings/shop/cart-config-reader",
        "/registry/clusterroles/cluster-admin",
        "/registry/clusterrolebindings/cluster-admin",
        "/registry/apiextensions.k8s.io/customresourcedefinitions/crontabs.stable.example.com",
        "/registry/apiregistration.k8s.io/apiservices/v1.stable.example.com",
        "/registry/stable.example.com/crontabs/shop/nightly-report",
        "/registry/stable.example.com/crontabs/shop/cache-warmup",
        "/registry/stable.example.com/crontabs/blog/backup"));
    List<String> missing = expected.stream().filter(k -> !keys.contains(k)).toList();
    assertEquals(List.of(), missing, "keys etcdctl does not list");
    for (String prefix : List.of("/registry/pods/shop/frontend-", "/registry/replicasets/shop/frontend-",
        "/registry/endpointslices/shop/frontend-", "/registry/events/shop/", "/registry/pods/blog/blog-")) {
      assertTrue(keys.stream().anyMatch(k -> k.startsWith(prefix)), "no key starts with " + prefix);
    }
    assertEquals(new TreeSet<>(result.ledger().liveKeys()), new TreeSet<>(keys),
        "etcd's keys differ from the generator's account of what it wrote");
    assertTrue(keys.size() >= 150 && keys.size() <= 400, "a few hundred objects, not " + keys.size());
  }

  @Test
  void everyValueDecodesToTheKindItsKeyImplies() {
    assertEquals(List.of(), ClusterChecks.valueProblems(values));
    Map<String, Long> kinds = values.values().stream()
        .collect(Collectors.groupingBy(StoredValue::kind, Collectors.counting()));
    for (String kind : List.of("Namespace", "Node", "Lease", "Deployment", "ReplicaSet", "Pod",
        "Service", "Endpoints", "EndpointSlice", "ConfigMap", "Secret", "ServiceAccount", "Role",
        "RoleBinding", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "CronTab",
        "Event", "RangeAllocation", "APIService", "DaemonSet", "ControllerRevision")) {
      assertTrue(kinds.containsKey(kind), "no " + kind + " stored; stored kinds: " + kinds.keySet());
    }
  }

  @Test
  void ownerAndEndpointReferencesPointAtStoredObjects() {
    assertEquals(List.of(), ClusterChecks.ownerProblems(values));
    assertEquals(List.of(), ClusterChecks.targetRefProblems(values));
    // each app pod has one controller, a ReplicaSet whose owner is the Deployment
    for (Map.Entry<String, StoredValue> e : values.entrySet()) {
      if (e.getKey().startsWith("/registry/pods/shop/")) {
        List<?> owners = (List<?>) Trees.at(e.getValue().object(), "metadata", "ownerReferences");
        assertEquals(1, owners.size(), e.getKey());
        assertEquals(Boolean.TRUE, ((Map<?, ?>) owners.get(0)).get("controller"), e.getKey());
        assertEquals("ReplicaSet", ((Map<?, ?>) owners.get(0)).get("kind"), e.getKey());
        String hash = (String) Trees.at(e.getValue().object(), "metadata", "labels", "pod-template-hash");
        assertTrue(((String) ((Map<?, ?>) owners.get(0)).get("name")).endsWith("-" + hash), e.getKey());
      }
    }
  }

  @Test
  void allocatorBitmapsHoldExactlyTheServicesAddressesAndPorts() {
    assertEquals(List.of(), ClusterChecks.bitmapProblems(values));
    byte[] ips = Base64.getDecoder().decode((String) values.get("/registry/ranges/serviceips").object().get("data"));
    assertEquals(1, ips[ips.length - 1] & 1, "10.96.0.1 (offset 0, the kubernetes service) is the LSB");
    assertEquals(2, ips[ips.length - 2] & 2, "10.96.0.10 (offset 9, kube-dns) is bit 1 of the second-last byte");
  }

  @Test
  void deletedObjectsAreGoneButTheirPastRevisionsRemain() {
    Set<String> deleted = result.ledger().deletedKeys();
    assertTrue(deleted.contains("/registry/configmaps/blog/blog-legacy-settings"), deleted.toString());
    assertTrue(deleted.stream().anyMatch(k -> k.startsWith("/registry/pods/blog/blog-")), deleted.toString());
    List<String> keys = EtcdContent.keys(etcdctl, "/registry/");
    for (String key : deleted) {
      assertFalse(keys.contains(key), key + " was deleted but etcdctl still lists it");
      EtcdContent.Kv before = EtcdContent.getAt(etcdctl, key, result.compactedRevision());
      assertNotNull(before, key + " should still be readable at the compacted revision");
      assertTrue(ValueCodec.builtin().decode(before.value()).ok(), key);
    }
  }

  @Test
  void compactionKeepsTheHistoryAfterItsRevision() {
    long compacted = result.compactedRevision();
    assertTrue(compacted > 1 && compacted < result.revision(), "compacted at " + compacted);
    assertEquals(List.of("compact_rev_key", Long.toString(compacted)),
        List.of(etcdctl.run("get", "compact_rev_key").split("\n")),
        "kube-apiserver's compactor leaves the revision it compacted to in compact_rev_key");
    IllegalStateException gone = assertThrows(IllegalStateException.class,
        () -> EtcdContent.getAt(etcdctl, "/registry/namespaces/default", compacted - 1));
    assertTrue(gone.getMessage().contains("compacted"), gone.getMessage());

    // the frontend-config was edited twice after the cut: both edits are in etcd's history
    String cm = "/registry/configmaps/shop/frontend-config";
    EtcdContent.Kv now = registry.get(cm);
    assertEquals(3, now.version());
    EtcdContent.Kv previous = EtcdContent.getAt(etcdctl, cm, now.modRevision() - 1);
    assertEquals(2, previous.version());
    assertTrue(previous.modRevision() > compacted);
    assertFalse(java.util.Arrays.equals(now.value(), previous.value()));
    assertEquals(now.createRevision(), previous.createRevision());

    // the scaled deployment: one uid and creation time, generation 1 then 2
    String d = "/registry/deployments/shop/frontend";
    Map<String, Object> after = values.get(d).object();
    Map<String, Object> before = ValueCodec.builtin().decode(EtcdContent.getAt(etcdctl, d, compacted).value()).object();
    assertEquals(1L, Trees.at(before, "metadata", "generation"));
    assertEquals(2L, Trees.at(after, "metadata", "generation"));
    assertEquals(2L, Trees.at(after, "status", "observedGeneration"));
    assertEquals(3L, Trees.at(before, "spec", "replicas"));
    assertEquals(4L, Trees.at(after, "spec", "replicas"));
    assertEquals(Trees.at(before, "metadata", "uid"), Trees.at(after, "metadata", "uid"));
    assertEquals(Trees.at(before, "metadata", "creationTimestamp"), Trees.at(after, "metadata", "creationTimestamp"));
    long frontendPods = registry.keySet().stream().filter(k -> k.startsWith("/registry/pods/shop/frontend-")).count();
    assertEquals(4, frontendPods);
  }

  @Test
  void eventsAreAttachedToTtlLeasesAndNothingElseIs() {
    Set<Long> leases = new TreeSet<>();
    registry.forEach((key, kv) -> {
      if (key.startsWith("/registry/events/")) {
        assertNotEquals(0, kv.lease(), key + " has no lease");
        leases.add(kv.lease());
      } else {
        assertEquals(0, kv.lease(), key + " should not have a lease");
      }
    });
    assertEquals(result.ledger().leases(), leases.size(), "leases in use: " + leases);
    for (long lease : leases) {
      String ttl = etcdctl.run("lease", "timetolive", Long.toHexString(lease));
      // --event-ttl 1h plus the lease manager's 60 s reuse window
      assertTrue(ttl.contains("granted with TTL(3660s)"), ttl);
    }
  }

  @Test
  void crdsCustomResourcesAndApiServicesAreJsonTheRestProtobuf() {
    registry.forEach((key, kv) -> {
      boolean json = key.startsWith("/registry/apiextensions.k8s.io/")
          || key.startsWith("/registry/apiregistration.k8s.io/")
          || key.startsWith("/registry/stable.example.com/");
      byte[] v = kv.value();
      if (json) {
        assertEquals('{', v[0], key);
        assertEquals('\n', v[v.length - 1], key + ": kube-apiserver's JSON ends with a newline");
      } else {
        assertArrayEquals(new byte[] {'k', '8', 's', 0}, java.util.Arrays.copyOf(v, 4), key);
      }
    });
    StoredValue crd = values.get("/registry/apiextensions.k8s.io/customresourcedefinitions/crontabs.stable.example.com");
    assertEquals("apiextensions.k8s.io/v1beta1", crd.apiVersion(), "CRDs are stored as v1beta1");
    assertEquals("v1", Trees.at(crd.object(), "spec", "version"));
    assertNotNull(Trees.at(crd.object(), "spec", "validation", "openAPIV3Schema"));
    assertEquals(List.of("v1"), Trees.at(crd.object(), "status", "storedVersions"));
  }

  @Test
  void theServiceAccountTokenSecretNamesItsServiceAccount() {
    Map<String, Object> sa = values.get("/registry/serviceaccounts/shop/cart").object();
    Map<String, Object> secret = values.get("/registry/secrets/shop/cart-token").object();
    assertEquals("kubernetes.io/service-account-token", secret.get("type"));
    assertEquals("cart", Trees.at(secret, "metadata", "annotations", "kubernetes.io/service-account.name"));
    assertEquals(Trees.at(sa, "metadata", "uid"),
        Trees.at(secret, "metadata", "annotations", "kubernetes.io/service-account.uid"));
    String token = new String(Base64.getDecoder().decode((String) Trees.at(secret, "data", "token")),
        StandardCharsets.UTF_8);
    String[] jwt = token.split("\\.");
    assertEquals(3, jwt.length, token);
    Map<?, ?> claims = (Map<?, ?>) Json.parse(Base64.getUrlDecoder().decode(jwt[1]));
    assertEquals("system:serviceaccount:shop:cart", claims.get("sub"));
    assertEquals(Trees.at(sa, "metadata", "uid"), claims.get("kubernetes.io/serviceaccount/service-account.uid"));
  }

  @Test
  void revisionsAreAsPredictedAndARerunWritesTheSameContent() {
    assertEquals(result.predictedRevision(), result.revision());
    assertEquals(result.revision(), EtcdContent.revision(etcdctl));
    Map<String, EtcdContent.Kv> first = EtcdContent.get(etcdctl, "");
    try (EtcdServer other = EtcdServer.start(EtcdServer.Options.defaults())) {
      MakeDemoCluster.Result again = MakeDemoCluster.demo(other.endpoint(), MakeDemoCluster.DEFAULT_SEED);
      Map<String, EtcdContent.Kv> second = EtcdContent.get(new Etcdctl(other.endpoint()), "");
      assertEquals(first.keySet(), second.keySet());
      for (String key : first.keySet()) {
        EtcdContent.Kv a = first.get(key);
        EtcdContent.Kv b = second.get(key);
        assertArrayEquals(a.value(), b.value(), key);
        assertEquals(List.of(a.createRevision(), a.modRevision(), a.version(), a.lease()),
            List.of(b.createRevision(), b.modRevision(), b.version(), b.lease()), key);
      }
      assertEquals(result.revision(), again.revision());
    }
  }

  /** test-data/demo-cluster.db must be what the generator writes today: remake it when this fails. */
  @Test
  void theCommittedSnapshotHoldsWhatTheGeneratorWrites(@TempDir Path dir) throws Exception {
    Path snapshot = Path.of("test-data", "demo-cluster.db");
    assertTrue(Files.isRegularFile(snapshot), snapshot + " is missing: run scripts/make-test-data");
    int peerPort;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      peerPort = probe.getLocalPort();
    }
    String peer = "http://127.0.0.1:" + peerPort;
    Path data = dir.resolve("restored");
    etcdctl.run("snapshot", "restore", snapshot.toAbsolutePath().toString(), "--data-dir=" + data,
        "--name=restored", "--initial-cluster=restored=" + peer, "--initial-advertise-peer-urls=" + peer);
    // the restored member's name, peer URL and data dir override the harness's own flags
    try (EtcdServer restored = EtcdServer.start(EtcdServer.Options.builder().args(
        "--data-dir=" + data, "--name=restored", "--initial-cluster=restored=" + peer,
        "--initial-advertise-peer-urls=" + peer, "--listen-peer-urls=" + peer).build())) {
      Map<String, EtcdContent.Kv> generated = EtcdContent.get(etcdctl, "");
      Map<String, EtcdContent.Kv> committed = EtcdContent.get(new Etcdctl(restored.endpoint()), "");
      String stale = "test-data/demo-cluster.db differs from what the generator writes now: "
          + "run scripts/make-test-data";
      assertEquals(generated.keySet(), committed.keySet(), stale);
      for (String key : generated.keySet()) {
        EtcdContent.Kv a = generated.get(key);
        EtcdContent.Kv b = committed.get(key);
        assertArrayEquals(a.value(), b.value(), stale + " (" + key + ")");
        assertEquals(List.of(a.createRevision(), a.modRevision(), a.version(), a.lease()),
            List.of(b.createRevision(), b.modRevision(), b.version(), b.lease()), stale + " (" + key + ")");
      }
      assertEquals(result.revision(), EtcdContent.revision(new Etcdctl(restored.endpoint())));
    }
  }

  @Test
  void aDifferentSeedGivesDifferentUids() {
    List<Step> steps = new ArrayList<>();
    ClusterModel.demo(MakeDemoCluster.DEFAULT_SEED + 1, steps::add);
    Step.Create firstNamespace = steps.stream().filter(s -> s instanceof Step.Create c
        && c.key().equals("/registry/namespaces/default")).map(s -> (Step.Create) s).findFirst().orElseThrow();
    Object otherUid = Trees.at(ValueCodec.builtin().decode(firstNamespace.value()).object(), "metadata", "uid");
    assertNotEquals(Trees.at(values.get("/registry/namespaces/default").object(), "metadata", "uid"), otherUid);
    assertNull(Trees.at(values.get("/registry/namespaces/default").object(), "metadata", "resourceVersion"));
  }
}
