package io.regshift.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regshift.kube.StoredValue;
import io.regshift.testing.EtcdExtension;
import io.regshift.testing.Etcdctl;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The big-cluster generator at a small scale, through the batched writer, into an etcd with
 * default limits (--max-txn-ops 128, 1.5 MiB requests): the batches must fit them, and what
 * lands must be as consistent as the demo.
 */
class ScaledClusterTest {
  private static final long OBJECTS = 3000;

  @RegisterExtension static EtcdExtension etcd = new EtcdExtension();

  private static MakeDemoCluster.Result result;
  private static Map<String, EtcdContent.Kv> registry;
  private static Map<String, StoredValue> values;

  @BeforeAll
  static void generate() {
    result = MakeDemoCluster.scaled(etcd.endpoint(), 7, OBJECTS, new ClusterWriter.Bulk(100, 256 * 1024, 4));
    registry = EtcdContent.get(new Etcdctl(etcd.endpoint()), "/registry/");
    values = ClusterChecks.decodeAll(registry);
  }

  @Test
  void everyObjectLandsInBatchedTxns() {
    List<String> keys = EtcdContent.keys(new Etcdctl(etcd.endpoint()), "/registry/");
    assertEquals(new TreeSet<>(result.ledger().liveKeys()), new TreeSet<>(keys));
    assertTrue(keys.size() >= OBJECTS, keys.size() + " keys");
    assertTrue(result.txns() * 20 < result.ledger().creates(),
        result.txns() + " txns for " + result.ledger().creates() + " objects: not batched");
    long namespaces = keys.stream().filter(k -> k.startsWith("/registry/namespaces/team-")).count();
    assertTrue(namespaces >= 10, namespaces + " generated namespaces");
  }

  @Test
  void valuesAreValidObjectsOfTheirKeysKinds() {
    assertEquals(List.of(), ClusterChecks.valueProblems(values));
  }

  @Test
  void referencesResolveAndBitmapsMatchTheServices() {
    assertEquals(List.of(), ClusterChecks.ownerProblems(values));
    assertEquals(List.of(), ClusterChecks.targetRefProblems(values));
    assertEquals(List.of(), ClusterChecks.bitmapProblems(values));
  }

  @Test
  void podIpsAreUniqueAndEveryPodIsOnARegisteredNode() {
    Map<String, String> ipOwner = new HashMap<>();
    values.forEach((key, v) -> {
      if (!"Pod".equals(v.kind()) || Boolean.TRUE.equals(Trees.at(v.object(), "spec", "hostNetwork"))) {
        return;
      }
      String ip = (String) Trees.at(v.object(), "status", "podIP");
      String other = ipOwner.put(ip, key);
      assertEquals(null, other, ip + " is both " + other + " and " + key);
      String node = (String) Trees.at(v.object(), "spec", "nodeName");
      assertTrue(registry.containsKey("/registry/minions/" + node), key + " runs on unknown node " + node);
    });
    assertTrue(ipOwner.size() > 100, ipOwner.size() + " pods");
  }

  @Test
  void eventLeasesHoldAtMostAThousandEvents() {
    Map<Long, Integer> perLease = new HashMap<>();
    registry.forEach((key, kv) -> {
      if (key.startsWith("/registry/events/")) {
        assertNotEquals(0, kv.lease(), key);
        perLease.merge(kv.lease(), 1, Integer::sum);
      } else {
        assertEquals(0, kv.lease(), key);
      }
    });
    assertTrue(perLease.values().stream().allMatch(n -> n <= Registry.LEASE_MAX_OBJECTS), perLease.toString());
    assertEquals(result.ledger().leases(), perLease.size());
  }
}
