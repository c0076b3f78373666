package io.regshift.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.Client;
import io.regshift.kube.Json;
import io.regshift.testdata.MakeDemoCluster;
import io.regshift.testing.EtcdExtension;
import io.regshift.testing.Etcdctl;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * --portable and the other selection flags through a live etcd (the demo cluster plus a bare pod
 * and a pod whose owner is gone), its backup archive and a restore into another real etcd,
 * checked with etcdctl: owned pods and ReplicaSets are left out, the bare and orphaned pods kept.
 */
class PortableRestoreTest {
  @RegisterExtension static EtcdExtension source = new EtcdExtension();
  @RegisterExtension EtcdExtension target = new EtcdExtension();
  @TempDir static Path tmp;
  @TempDir Path journals;
  static String live;

  @BeforeAll
  static void writeDemoWithABareAndAnOrphanedPod() throws Exception {
    MakeDemoCluster.writeDemo(source.endpoint());
    live = "etcd://" + source.server().hostPort();
    try (Client client = Client.builder().endpoints(source.endpoint()).build()) {
      ClusterFixture.put(client.getKVClient(), "/registry/pods/shop/debug", ClusterFixture.encode("""
          apiVersion: v1
          kind: Pod
          metadata: {name: debug, namespace: shop, uid: 0b7c2f0e-0000-4000-8000-00000000dbg1, labels: {app: cart}}
          spec:
            containers:
            - {name: sh, image: busybox}
          """));
      ClusterFixture.put(client.getKVClient(), "/registry/pods/shop/cart-gone-x1", ClusterFixture.encode("""
          apiVersion: v1
          kind: Pod
          metadata:
            name: cart-gone-x1
            namespace: shop
            uid: 0b7c2f0e-0000-4000-8000-00000000dbg2
            labels: {app: cart}
            ownerReferences:
            - {apiVersion: apps/v1, kind: ReplicaSet, name: cart-gone, uid: 0b7c2f0e-0000-4000-8000-0000000000ff, controller: true}
          spec:
            containers:
            - {name: cart, image: cart}
          """));
    }
  }

  @Test
  void portableKeepsTheBareAndTheOrphanedPodAndLeavesOutThoseItsControllersRecreate() {
    CliRun pods = CliRun.of("ls", live, "--portable", "-n", "shop", "--kind", "pods,rs,deploy", "-o", "name");
    assertEquals(0, pods.code(), pods.show());
    assertEquals("deployment.apps/cart\ndeployment.apps/frontend\npod/cart-gone-x1\npod/debug\n", pods.out());
  }

  @Test
  void aPortableArchiveRestoresExactlyWhatWasSelected() {
    Path archive = tmp.resolve("shop.tar.gz");
    CliRun backup = CliRun.of("backup", live, "-f", archive.toString(), "--portable", "-n", "shop", "--explain");
    assertEquals(0, backup.code(), backup.show());
    assertTrue(backup.err().contains("excluded /registry/pods/shop/cart-"), backup.err());
    assertTrue(backup.err().contains("excluded /registry/events/shop/"), backup.err());
    assertFalse(backup.err().contains("excluded /registry/pods/shop/debug"), backup.err());
    Set<String> selected = keys(CliRun.of("ls", live, "--portable", "-n", "shop", "-o", "json").out());
    assertEquals(selected, keys(CliRun.of("ls", archive.toString(), "-o", "json").out()));

    CliRun restore = CliRun.of("restore", archive.toString(), "--endpoints", target.endpoint(),
        "--journal", journals.resolve("j").toString());
    assertEquals(0, restore.code(), restore.show());
    Map<String, String> restored = new Etcdctl(target.endpoint()).getPrefix("/registry/");
    assertEquals(selected, new TreeSet<>(restored.keySet()));
    assertTrue(restored.containsKey("/registry/pods/shop/debug") && restored.containsKey("/registry/pods/shop/cart-gone-x1"));
    assertTrue(restored.keySet().stream().noneMatch(k -> k.startsWith("/registry/replicasets/")
        || k.startsWith("/registry/events/") || k.startsWith("/registry/services/endpoints/")), restored.keySet().toString());
    assertTrue(restored.containsKey("/registry/deployments/shop/frontend"));
  }

  @Test
  void restoreSelectsWithLabelsAndPortableAndExplainsItsOwnRulesToo() {
    CliRun r = CliRun.of("restore", live, "--endpoints", target.endpoint(), "--journal", journals.resolve("j").toString(),
        "-l", "app=cart", "--portable", "--explain", "--include", "events");
    assertEquals(0, r.code(), r.show());
    Set<String> restored = new TreeSet<>(new Etcdctl(target.endpoint()).getPrefix("/registry/").keySet());
    assertEquals(keys(CliRun.of("ls", live, "-l", "app=cart", "--portable", "-o", "json").out()), restored);
    assertTrue(restored.containsAll(Set.of("/registry/deployments/shop/cart", "/registry/pods/shop/cart-gone-x1",
        "/registry/pods/shop/debug")), restored.toString());
    assertTrue(restored.stream().noneMatch(k -> k.startsWith("/registry/replicasets/")), restored.toString());
    List<String> lines = r.err().lines().toList();
    assertTrue(lines.stream().anyMatch(l -> l.matches("excluded /registry/pods/shop/cart-566d8b8959-\\w+: --portable: owned by"
        + " a selected controller, which recreates it")), r.err());
    assertTrue(lines.contains("excluded /registry/configmaps/shop/frontend-config: -l: the labels do not match"), r.err());
    assertTrue(lines.stream().anyMatch(l -> l.matches("regshift: restored .*, verified " + restored.size()
        + ", \\d+ excluded by the selection")), r.err());
    assertTrue(lines.stream().anyMatch(l -> l.matches(" +\\d+  -l: the labels do not match")), r.err());
  }

  private static Set<String> keys(String jsonLines) {
    Set<String> keys = new TreeSet<>();
    jsonLines.lines().forEach(l -> keys.add((String) ((Map<?, ?>) Json.parse(l)).get("key")));
    return keys;
  }
}
