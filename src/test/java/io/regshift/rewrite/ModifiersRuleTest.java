package io.regshift.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regshift.etcd.MvccEntry;
import io.regshift.kube.Json;
import io.regshift.kube.RegistryKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Velero's documented resource modifier examples (restore-resource-modifiers), run on decoded objects. */
class ModifiersRuleTest {

  // Velero's YAML template
  static final String TEMPLATE = """
      version: v1
      resourceModifierRules:
      - conditions:
          groupResource: persistentvolumeclaims
          resourceNameRegex: "^mysql.*$"
          namespaces:
          - bar
          - foo
          labelSelector:
            matchLabels:
              foo: bar
        patches:
        - operation: replace
          path: "/spec/storageClassName"
          value: "premium"
        - operation: remove
          path: "/metadata/labels/test"
      """;

  static Map<String, Object> pvc(String namespace, String name, String labels, String storageClass) {
    return object("{\"apiVersion\":\"v1\",\"kind\":\"PersistentVolumeClaim\",\"metadata\":{\"name\":\"" + name
        + "\",\"namespace\":\"" + namespace + "\",\"labels\":" + labels + "},\"spec\":{\"storageClassName\":\""
        + storageClass + "\",\"accessModes\":[\"ReadWriteOnce\"]}}");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> object(String json) {
    return (Map<String, Object>) Json.parse(json);
  }

  /** One object through the rule: what it became and what was recorded. */
  record Run(RewriteObject object, List<Change> changes) {}

  static Run run(String modifiers, String key, Map<String, Object> obj) {
    List<Change> changes = new ArrayList<>();
    RewriteObject o = new RewriteObject(new MvccEntry(key.getBytes(StandardCharsets.UTF_8), new byte[0], 1, 2, 1, 0, false, 0),
        RegistryKey.parse(key), obj, changes::add);
    new ModifiersRule(ResourceModifiers.parse(modifiers, "mods.yaml")).apply(o);
    return new Run(o, changes);
  }

  static String pvcKey(String ns, String name) {
    return "/registry/persistentvolumeclaims/" + ns + "/" + name;
  }

  @Test
  void theTemplateChangesMatchingClaims() {
    Map<String, Object> obj = pvc("foo", "mysql-data", "{\"foo\":\"bar\",\"test\":\"x\"}", "standard");
    Run r = run(TEMPLATE, pvcKey("foo", "mysql-data"), obj);
    assertEquals(pvc("foo", "mysql-data", "{\"foo\":\"bar\"}", "premium"), obj);
    assertTrue(r.object().isChanged());
    assertEquals(List.of(new Change(pvcKey("foo", "mysql-data"), "modifiers[0]", "spec.storageClassName", "standard", "premium"),
        new Change(pvcKey("foo", "mysql-data"), "modifiers[0]", "metadata.labels.test", "x", null)), r.changes());
  }

  @Test
  void aConditionThatDoesNotHoldLeavesTheObjectUntouched() {
    for (Map<String, Object> obj : List.of(
        pvc("baz", "mysql-data", "{\"foo\":\"bar\",\"test\":\"x\"}", "standard"),   // namespace
        pvc("foo", "web-mysql", "{\"foo\":\"bar\",\"test\":\"x\"}", "standard"),    // name regex
        pvc("foo", "mysql-data", "{\"foo\":\"baz\",\"test\":\"x\"}", "standard"))) { // labels
      Map<String, Object> before = object(Json.write(obj));
      @SuppressWarnings("unchecked")
      Map<String, Object> md = (Map<String, Object>) obj.get("metadata");
      Run r = run(TEMPLATE, pvcKey((String) md.get("namespace"), (String) md.get("name")), obj);
      assertEquals(before, obj);
      assertFalse(r.object().isChanged());
      assertTrue(r.changes().isEmpty());
    }
    // another resource
    Map<String, Object> cm = object("{\"metadata\":{\"name\":\"mysql-x\",\"namespace\":\"foo\",\"labels\":{\"foo\":\"bar\",\"test\":\"x\"}},"
        + "\"spec\":{\"storageClassName\":\"a\"}}");
    Run r = run(TEMPLATE, "/registry/configmaps/foo/mysql-x", cm);
    assertFalse(r.object().isChanged());
    ModifiersRule rule = new ModifiersRule(ResourceModifiers.parse(TEMPLATE, "mods.yaml"));
    assertFalse(rule.mayChange(RegistryKey.parse("/registry/configmaps/foo/mysql-x")));
    assertFalse(rule.mayChange(RegistryKey.parse(pvcKey("baz", "mysql-x"))));
    assertTrue(rule.mayChange(RegistryKey.parse(pvcKey("bar", "mysql-x"))));
  }

  // Velero's "conditional patches using test operation"
  static final String TEST_OP = """
      version: v1
      resourceModifierRules:
      - conditions:
          groupResource: persistentvolumeclaims
          resourceNameRegex: ".*"
          namespaces:
          - bar
          - foo
        patches:
        - operation: test
          path: "/spec/storageClassName"
          value: "premium"
        - operation: replace
          path: "/spec/storageClassName"
          value: "standard"
      """;

  @Test
  void aPassingTestLetsThePatchApply() {
    Map<String, Object> obj = pvc("bar", "data", "{}", "premium");
    run(TEST_OP, pvcKey("bar", "data"), obj);
    assertEquals(pvc("bar", "data", "{}", "standard"), obj);
  }

  @Test
  void aFailingTestSkipsThatPatch() {
    Map<String, Object> obj = pvc("bar", "data", "{}", "gp2");
    Run r = run(TEST_OP, pvcKey("bar", "data"), obj);
    assertEquals(pvc("bar", "data", "{}", "gp2"), obj);
    assertFalse(r.object().isChanged());
  }

  @Test
  void aFailingTestSkipsOnlyItsOwnRule() {
    String mods = TEST_OP + """
        - conditions:
            groupResource: persistentvolumeclaims
          patches:
          - operation: add
            path: "/metadata/labels/restored"
            value: "yes"
        """;
    Map<String, Object> obj = pvc("bar", "data", "{}", "gp2");
    run(mods, pvcKey("bar", "data"), obj);
    assertEquals(pvc("bar", "data", "{\"restored\":\"yes\"}", "gp2"), obj);
  }

  // Velero's "other examples": a container given as escaped JSON, then copied
  static final String DEPLOYMENT = """
      version: v1
      resourceModifierRules:
      - conditions:
          groupResource: deployments.apps
          resourceNameRegex: "^test-.*$"
          namespaces:
          - bar
          - foo
        patches:
          # Dealing with complex values by escaping the yaml
        - operation: add
          path: "/spec/template/spec/containers/0"
          value: "{\\"name\\": \\"nginx\\", \\"image\\": \\"nginx:1.14.2\\", \\"ports\\": [{\\"containerPort\\": 80}]}"
          # Copy Operator
        - operation: copy
          from: "/spec/template/spec/containers/0"
          path: "/spec/template/spec/containers/1"
      """;

  @Test
  void complexValuesAndCopy() {
    Map<String, Object> obj = object("{\"metadata\":{\"name\":\"test-web\",\"namespace\":\"foo\"},"
        + "\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"app:1\"}]}}}}");
    Run r = run(DEPLOYMENT, "/registry/deployments/foo/test-web", obj);
    String nginx = "{\"name\":\"nginx\",\"image\":\"nginx:1.14.2\",\"ports\":[{\"containerPort\":80}]}";
    assertEquals(object("{\"metadata\":{\"name\":\"test-web\",\"namespace\":\"foo\"},\"spec\":{\"template\":{\"spec\":{\"containers\":["
        + nginx + "," + nginx + ",{\"name\":\"app\",\"image\":\"app:1\"}]}}}}"), obj);
    assertEquals(List.of("spec.template.spec.containers[0]", "spec.template.spec.containers[1]"),
        r.changes().stream().map(Change::path).toList());
  }

  // the design's "matches" example, with a merge patch removing an annotation
  static final String MATCHES = """
      version: v1
      resourceModifierRules:
      - conditions:
          groupResource: persistentvolumeclaims
          matches:
          - path: "/spec/storageClassName"
            value: "premium"
        mergePatches:
        - patchData: |
            {
              "metadata": {
                "annotations": {
                  "foo": null
                }
              }
            }
      """;

  @Test
  void matchesSelectByFieldValue() {
    Map<String, Object> premium = pvc("ns", "a", "{}", "premium");
    ((Map<String, Object>) premium.get("metadata")).put("annotations", new java.util.LinkedHashMap<>(Map.of("foo", "1", "keep", "2")));
    Run r = run(MATCHES, pvcKey("ns", "a"), premium);
    assertEquals(Map.of("keep", "2"), ((Map<?, ?>) premium.get("metadata")).get("annotations"));
    assertEquals(List.of(new Change(pvcKey("ns", "a"), "modifiers[0]", "metadata.annotations.foo", "1", null)), r.changes());

    Map<String, Object> standard = pvc("ns", "b", "{}", "standard");
    ((Map<String, Object>) standard.get("metadata")).put("annotations", new java.util.LinkedHashMap<>(Map.of("foo", "1")));
    assertFalse(run(MATCHES, pvcKey("ns", "b"), standard).object().isChanged());
    // a match on a path the object does not have does not hold
    Map<String, Object> none = object("{\"metadata\":{\"name\":\"c\",\"namespace\":\"ns\",\"annotations\":{\"foo\":\"1\"}}}");
    assertFalse(run(MATCHES, pvcKey("ns", "c"), none).object().isChanged());
  }

  @Test
  void groupResourceWildcards() {
    String mods = """
        version: v1
        resourceModifierRules:
        - conditions:
            groupResource: "*.apps"
          mergePatches:
          - patchData: '{"metadata":{"labels":{"group":"apps"}}}'
        - conditions:
            groupResource: "*"
          mergePatches:
          - patchData: '{"metadata":{"labels":{"group":"core"}}}'
        """;
    ModifiersRule rule = new ModifiersRule(ResourceModifiers.parse(mods, "m"));
    assertTrue(rule.mayChange(RegistryKey.parse("/registry/deployments/a/b")));
    assertTrue(rule.mayChange(RegistryKey.parse("/registry/pods/a/b")));
    assertFalse(rule.mayChange(RegistryKey.parse("/registry/storageclasses/b")));
    Map<String, Object> d = object("{\"metadata\":{\"name\":\"b\",\"namespace\":\"a\"}}");
    run(mods, "/registry/deployments/a/b", d);
    assertEquals(Map.of("group", "apps"), ((Map<?, ?>) d.get("metadata")).get("labels"));
    Map<String, Object> p = object("{\"metadata\":{\"name\":\"b\",\"namespace\":\"a\"}}");
    run(mods, "/registry/pods/a/b", p);
    assertEquals(Map.of("group", "core"), ((Map<?, ?>) p.get("metadata")).get("labels"));
  }

  @Test
  void conditionsAreTestedOnTheObjectAsRead() {
    String mods = """
        version: v1
        resourceModifierRules:
        - conditions:
            groupResource: persistentvolumeclaims
          patches:
          - operation: replace
            path: /metadata/labels/tier
            value: gold
        - conditions:
            groupResource: persistentvolumeclaims
            labelSelector:
              matchExpressions:
              - key: tier
                operator: In
                values: [silver]
          patches:
          - operation: replace
            path: /spec/storageClassName
            value: fast
        """;
    Map<String, Object> obj = pvc("ns", "a", "{\"tier\":\"silver\"}", "slow");
    Run r = run(mods, pvcKey("ns", "a"), obj);
    assertEquals(pvc("ns", "a", "{\"tier\":\"gold\"}", "fast"), obj);
    assertEquals(List.of("modifiers[0]", "modifiers[1]"), r.changes().stream().map(Change::rule).toList());
  }

  @Test
  void valuesAreReadAsVeleroReadsThem() {
    String mods = """
        version: v1
        resourceModifierRules:
        - conditions:
            groupResource: services
          patches:
          - {operation: add, path: /a, value: 80}
          - {operation: add, path: /b, value: "80"}
          - {operation: add, path: /c, value: '"80"'}
          - {operation: add, path: /d, value: "true"}
          - {operation: add, path: /e, value: "null"}
          - {operation: add, path: /f, value: '[1, "x"]'}
          - {operation: add, path: /g, value: ""}
          - {operation: add, path: /h, value: {yaml: map}}
        """;
    Map<String, Object> obj = object("{\"metadata\":{\"name\":\"s\",\"namespace\":\"n\"}}");
    run(mods, "/registry/services/specs/n/s", obj);
    assertEquals(80L, obj.get("a"));
    assertEquals(80L, obj.get("b"));
    assertEquals("80", obj.get("c"));
    assertEquals(true, obj.get("d"));
    assertTrue(obj.containsKey("e") && obj.get("e") == null);
    assertEquals(List.of(1L, "x"), obj.get("f"));
    assertEquals("", obj.get("g"));
    assertEquals(Map.of("yaml", "map"), obj.get("h"));
  }

  @Test
  void aPatchThatCannotApplyFailsTheObjectWithNothingChanged() {
    String mods = """
        version: v1
        resourceModifierRules:
        - conditions:
            groupResource: persistentvolumeclaims
          patches:
          - operation: replace
            path: /spec/storageClassName
            value: fast
          - operation: remove
            path: /metadata/labels/missing
        """;
    Map<String, Object> obj = pvc("ns", "a", "{}", "slow");
    RewriteException e = assertThrows(RewriteException.class, () -> run(mods, pvcKey("ns", "a"), obj));
    assertEquals(pvcKey("ns", "a") + ": modifiers[0] (mods.yaml, line 3): remove /metadata/labels/missing: there is no"
        + " metadata.labels.missing", e.getMessage());
    assertEquals(pvc("ns", "a", "{}", "slow"), obj);
  }

  @Test
  void aRenamedObjectMovesToItsNewKey() {
    String mods = """
        version: v1
        resourceModifierRules:
        - conditions:
            groupResource: configmaps
          patches:
          - operation: replace
            path: /metadata/name
            value: renamed
        """;
    Map<String, Object> obj = object("{\"metadata\":{\"name\":\"old\",\"namespace\":\"n\"}}");
    Run r = run(mods, "/registry/configmaps/n/old", obj);
    assertEquals("/registry/configmaps/n/renamed", r.object().key().key());
    assertEquals("key", r.changes().get(r.changes().size() - 1).path());
  }
}
