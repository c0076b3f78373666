package io.regshift.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regshift.kube.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pieces of a rule's conditions (groupResource globs, label selectors) and --clean's stripping. */
class ConditionsTest {

  @Test
  void groupResourceGlobsUseDotAsSeparator() {
    Glob apps = Glob.compile("*.apps", '.');
    assertTrue(apps.matches("deployments.apps"));
    assertFalse(apps.matches("deployments.apps.example.com"));
    assertFalse(apps.matches("pods"));
    Glob core = Glob.compile("*", '.');
    assertTrue(core.matches("pods"));
    assertFalse(core.matches("deployments.apps"));
    assertTrue(Glob.compile("**", '.').matches("storageclasses.storage.k8s.io"));
    assertTrue(Glob.compile("{pods,services}", '.').matches("services"));
    assertTrue(Glob.compile("[cd]eployments.apps", '.').matches("deployments.apps"));
    assertFalse(Glob.compile("[!d]eployments.apps", '.').matches("deployments.apps"));
    assertTrue(Glob.compile("persistentvolumeclaims", '.').matches("persistentvolumeclaims"));
    assertFalse(Glob.compile("persistentvolumeclaims", '.').matches("persistentvolumeclaimsx"));
    assertThrows(IllegalArgumentException.class, () -> Glob.compile("[abc", '.'));
  }

  @Test
  void labelSelectorsAsKubernetesMatchesThem() {
    Map<String, String> labels = Map.of("app", "web", "tier", "front");
    assertTrue(new LabelSelector(Map.of(), List.of()).matches(labels));
    assertTrue(new LabelSelector(Map.of("app", "web"), List.of()).matches(labels));
    assertFalse(new LabelSelector(Map.of("app", "db"), List.of()).matches(labels));
    assertTrue(selector("tier", LabelSelector.Operator.In, "front", "back").matches(labels));
    assertFalse(selector("tier", LabelSelector.Operator.NotIn, "front").matches(labels));
    assertTrue(selector("zone", LabelSelector.Operator.NotIn, "a").matches(labels));
    assertTrue(selector("app", LabelSelector.Operator.Exists).matches(labels));
    assertFalse(selector("app", LabelSelector.Operator.DoesNotExist).matches(labels));
    assertThrows(IllegalArgumentException.class, () -> selector("app", LabelSelector.Operator.Exists, "x"));
  }

  static LabelSelector selector(String key, LabelSelector.Operator op, String... values) {
    return new LabelSelector(Map.of(), List.of(new LabelSelector.Requirement(key, op, Set.of(values))));
  }

  @Test
  @SuppressWarnings("unchecked")
  void cleanStripsServerFieldsAndReportsThem() {
    String json = "{\"metadata\":{\"name\":\"a\",\"uid\":\"u\",\"resourceVersion\":\"5\",\"generation\":2,"
        + "\"creationTimestamp\":\"2026-01-01T00:00:00Z\",\"managedFields\":[],\"annotations\":{\"" + CleanRule.LAST_APPLIED
        + "\":\"{}\"}},\"spec\":{\"uid\":\"kept\"},\"status\":{\"phase\":\"Active\"}}";
    Map<String, Object> server = (Map<String, Object>) Json.parse(json);
    List<FieldChange> removed = new ArrayList<>();
    CleanRule.clean(server, CleanRule.Level.SERVER_FIELDS, removed::add);
    assertEquals(Json.parse("{\"metadata\":{\"name\":\"a\",\"annotations\":{\"" + CleanRule.LAST_APPLIED + "\":\"{}\"}},"
        + "\"spec\":{\"uid\":\"kept\"}}"), server);
    assertEquals(List.of("metadata.uid", "metadata.resourceVersion", "metadata.creationTimestamp", "metadata.generation",
        "metadata.managedFields", "status"), removed.stream().map(FieldChange::path).toList());
    Map<String, Object> all = (Map<String, Object>) Json.parse(json);
    CleanRule.clean(all, CleanRule.Level.ALL, c -> {});
    assertEquals(Json.parse("{\"metadata\":{\"name\":\"a\"},\"spec\":{\"uid\":\"kept\"}}"), all);
    assertEquals(CleanRule.Level.ALL, CleanRule.Level.parse("all"));
    assertEquals(CleanRule.Level.SERVER_FIELDS, CleanRule.Level.parse(""));
    assertThrows(IllegalArgumentException.class, () -> CleanRule.Level.parse("yes"));
  }
}
