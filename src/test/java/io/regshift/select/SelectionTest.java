package io.regshift.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regshift.kube.ObjectHead;
import io.regshift.kube.RegistryKey;
import io.regshift.kube.ResourceCatalog;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The key stage and the value stage of a selection, rule by rule, and the flags it refuses. */
class SelectionTest {
  private final ResourceCatalog catalog = ResourceCatalog.builtin();

  private Selection.Builder b() {
    return Selection.builder(catalog);
  }

  private static RegistryKey key(String k) {
    return RegistryKey.parse(k);
  }

  @Test
  void namespaceGlobsAndExclusions() {
    Selection s = b().namespaces(List.of("team-*", "shop")).excludeNamespaces(List.of("team-b?")).build();
    assertNull(s.excludedByKey(key("/registry/pods/team-a/p")));
    assertNull(s.excludedByKey(key("/registry/pods/shop/p")));
    assertEquals(Selection.RULE_EXCLUDE_NAMESPACE, s.excludedByKey(key("/registry/pods/team-b1/p")));
    assertNull(s.excludedByKey(key("/registry/pods/team-b12/p")), "? is one character");
    assertEquals(Selection.RULE_NAMESPACE, s.excludedByKey(key("/registry/pods/shopping/p")), "a glob matches the whole name");
    assertEquals(Selection.RULE_CLUSTER_SCOPED, s.excludedByKey(key("/registry/namespaces/shop")));
    Selection exclude = b().excludeNamespaces(List.of("kube-*")).build();
    assertEquals(Selection.RULE_EXCLUDE_NAMESPACE, exclude.excludedByKey(key("/registry/configmaps/kube-system/c")));
    assertNull(exclude.excludedByKey(key("/registry/namespaces/kube-system")), "cluster-scoped objects stay");
  }

  @Test
  void kindsByKubectlNamesAndCustomResources() {
    Selection s = b().kinds(List.of("deploy", "svc", "crontabs.stable.example.com")).build();
    assertNull(s.excludedByKey(key("/registry/deployments/shop/web")));
    assertNull(s.excludedByKey(key("/registry/services/specs/shop/web")));
    assertNull(s.excludedByKey(key("/registry/stable.example.com/crontabs/shop/nightly")));
    assertEquals(Selection.RULE_KIND, s.excludedByKey(key("/registry/services/endpoints/shop/web")));
    Selection ex = b().excludeKinds(List.of("events", "secrets")).build();
    assertEquals(Selection.RULE_EXCLUDE_KIND, ex.excludedByKey(key("/registry/events/shop/e")));
    assertNull(ex.excludedByKey(key("/registry/pods/shop/p")));
    Selection plural = b().kinds(List.of("crontabs")).build();
    assertNull(plural.excludedByKey(key("/registry/stable.example.com/crontabs/shop/nightly")), "a CR by its plural");
    assertEquals(List.of("crontabs"), plural.unresolvedKinds());
  }

  @Test
  void unknownKindsThatCannotBeCustomResourcesAreRefused() {
    assertTrue(refused(() -> b().kinds(List.of("deploymnets.apps"))).startsWith("--kind deploymnets.apps: the built-in group apps has no such resource"));
    assertTrue(refused(() -> b().excludeKinds(List.of("crontabs.stable"))).startsWith("--exclude-kind crontabs.stable: no such resource"));
    assertTrue(refused(() -> b().kinds(List.of("pods!"))).startsWith("--kind pods!: not a resource name"));
  }

  @Test
  void namesByGlobAndRegex() {
    Selection glob = b().names(List.of("web-*", "db-[0-9]")).build();
    assertNull(glob.excludedByKey(key("/registry/pods/shop/web-1")));
    assertNull(glob.excludedByKey(key("/registry/pods/shop/db-3")));
    assertEquals(Selection.RULE_NAME, glob.excludedByKey(key("/registry/pods/shop/db-x")));
    assertEquals(Selection.RULE_NAME, glob.excludedByKey(key("/registry/pods/shop/my-web-1")));
    Selection re = b().nameRegex("^cart|-mysql$").build();
    assertNull(re.excludedByKey(key("/registry/pods/shop/cart-7d")));
    assertNull(re.excludedByKey(key("/registry/pods/blog/blog-mysql")));
    assertEquals(Selection.RULE_NAME_REGEX, re.excludedByKey(key("/registry/pods/blog/mysql-blog")));
    assertEquals("--name-regex 'a[': Unclosed character class at character 2", refused(() -> b().nameRegex("a[")));
    assertTrue(refused(() -> b().names(List.of("web-[1"))).startsWith("--name 'web-[1': unclosed '['"));
    assertTrue(refused(() -> b().labels("app in")).startsWith("-l 'app in': unable to parse requirement"));
  }

  @Test
  void portableResourcesAreDecidedOnTheKey() {
    Selection p = b().portable(true).build();
    for (String k : List.of("/registry/minions/n1", "/registry/events/shop/e", "/registry/leases/kube-node-lease/n1",
        "/registry/masterleases/10.0.0.1", "/registry/services/endpoints/shop/web", "/registry/endpointslices/shop/web-x",
        "/registry/ranges/serviceips", "/registry/ranges/servicenodeports", "/registry/ipaddresses/10.96.0.10",
        "/registry/csinodes/n1", "/registry/volumeattachments/csi-1")) {
      String rule = p.excludedByKey(key(k));
      assertTrue(rule != null && rule.startsWith("--portable: "), k + ": " + rule);
    }
    assertEquals("--portable: events are not portable", p.excludedByKey(key("/registry/events/shop/e")));
    for (String k : List.of("/registry/pods/shop/p", "/registry/services/specs/shop/web", "/registry/secrets/shop/s",
        "/registry/namespaces/shop", "/registry/deployments/shop/web", "/registry/stable.example.com/crontabs/shop/n")) {
      assertNull(p.excludedByKey(key(k)), k);
    }
  }

  @Test
  void theValueStageLabelsTokensAndOwnedObjects() {
    Selection p = b().portable(true).build();
    ObjectHead token = head("v1", "Secret", "t", Map.of(), List.of(), "kubernetes.io/service-account-token");
    ObjectHead opaque = head("v1", "Secret", "o", Map.of(), List.of(), "Opaque");
    RegistryKey secret = key("/registry/secrets/shop/t");
    assertTrue(p.needsHead(secret));
    assertEquals(Selection.RULE_SA_TOKEN, p.excludedByHead(secret, token, Set.of()));
    assertNull(p.excludedByHead(secret, opaque, Set.of()));

    RegistryKey pod = key("/registry/pods/shop/web-1");
    ObjectHead owned = head("v1", "Pod", "web-1", Map.of(), List.of(
        new ObjectHead.OwnerReference("apps/v1", "ReplicaSet", "web", "rs-uid", true)), null);
    ObjectHead notController = head("v1", "Pod", "web-1", Map.of(), List.of(
        new ObjectHead.OwnerReference("apps/v1", "ReplicaSet", "web", "rs-uid", false)), null);
    assertEquals(Selection.RULE_OWNED, p.excludedByHead(pod, owned, Set.of("rs-uid")));
    assertNull(p.excludedByHead(pod, owned, Set.of("other")), "its controller is not selected: the pod stays");
    assertNull(p.excludedByHead(pod, notController, Set.of("rs-uid")), "only the managing controller counts");
    assertFalse(p.needsHead(key("/registry/configmaps/shop/c")), "--portable reads no configmap");
    assertTrue(p.isController(key("/registry/deployments/shop/web")));
    assertTrue(p.isController(key("/registry/controllers/shop/rc")));

    Selection l = b().labels("app=web").build();
    assertTrue(l.needsHead(key("/registry/configmaps/shop/c")));
    assertEquals(Selection.RULE_LABELS, l.excludedByHead(pod, head("v1", "Pod", "p", Map.of("app", "db"), List.of(), null), Set.of()));
    assertNull(l.excludedByHead(pod, head("v1", "Pod", "p", Map.of("app", "web"), List.of(), null), Set.of()));
    assertEquals(Selection.RULE_LABELS_UNREADABLE, l.excludedUnread(), "-l cannot keep what it cannot read");
    assertNull(p.excludedUnread(), "--portable keeps what it cannot check");
  }

  @Test
  void keysOutsideThePrefixOnlyWhenNothingNarrows() {
    RegistryKey outside = key("compact_rev_key");
    assertNull(b().allKeys(true).build().excludedByKey(outside));
    assertEquals(Selection.RULE_OUTSIDE, b().allKeys(true).labels("a=b").build().excludedByKey(outside));
    assertTrue(b().allKeys(true).build().keepsEverything());
    assertFalse(b().portable(true).build().keepsEverything());
    assertFalse(b().labels("a").build().keepsEverything());
    assertTrue(b().labels(" ").build().keepsEverything(), "an empty selector selects everything");
  }

  private static ObjectHead head(String apiVersion, String kind, String name, Map<String, String> labels,
      List<ObjectHead.OwnerReference> owners, String secretType) {
    return new ObjectHead(apiVersion, kind, name, "shop", name + "-uid", labels, owners, secretType);
  }

  private static String refused(org.junit.jupiter.api.function.Executable e) {
    return assertThrows(IllegalArgumentException.class, e).getMessage();
  }
}
