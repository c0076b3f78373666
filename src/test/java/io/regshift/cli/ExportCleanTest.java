package io.regshift.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regshift.kube.ManifestReader;
import io.regshift.kube.RegistryKey;
import io.regshift.kube.ResourceCatalog;
import io.regshift.rewrite.CleanRule;
import io.regshift.sink.RestoreTier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** export --clean on the demo snapshot: manifests kubectl apply can take on a new cluster, in the order it needs them. */
class ExportCleanTest {
  static final String DEMO = "test-data/demo-cluster.db";
  static final List<String> STRIPPED = List.of("uid", "resourceVersion", "selfLink", "creationTimestamp", "generation",
      "managedFields", "deletionTimestamp", "deletionGracePeriodSeconds", "ownerReferences");

  static List<Map<String, Object>> export(String... flags) {
    List<String> args = new ArrayList<>(List.of("export"));
    args.addAll(List.of(flags));
    CliRun r = CliRun.of(args.toArray(String[]::new));
    assertEquals(0, r.code(), r::show);
    if (!args.contains("json")) {
      return ManifestReader.read(r.out());
    }
    List<Map<String, Object>> lines = new ArrayList<>();
    r.out().lines().forEach(l -> lines.add(ManifestReader.read(l).get(0)));
    return lines;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> metadata(Map<String, Object> o) {
    return (Map<String, Object>) o.get("metadata");
  }

  static String id(Map<String, Object> o) {
    return o.get("apiVersion") + " " + o.get("kind") + " " + metadata(o).get("namespace") + "/" + metadata(o).get("name");
  }

  static int tier(Map<String, Object> o) {
    ResourceCatalog catalog = ResourceCatalog.builtin();
    return catalog.byKind((String) o.get("apiVersion"), (String) o.get("kind"))
        .map(info -> RestoreTier.of(RegistryKey.of("/registry", info, (String) metadata(o).get("namespace"),
            // RangeAllocations are stored without a name
            metadata(o).get("name") instanceof String n ? n : "unnamed")))
        .orElse(RestoreTier.WORKLOADS_AND_REST).ordinal();
  }

  @Test
  void cleanLeavesOutWhatTheServerWroteAndOrdersForApply() {
    List<Map<String, Object>> plain = export(DEMO);
    List<Map<String, Object>> clean = export("--clean", DEMO); // SOURCE after the flag is the source, not its value
    // the same objects
    assertEquals(plain.stream().map(ExportCleanTest::id).sorted().toList(), clean.stream().map(ExportCleanTest::id).sorted().toList());
    assertTrue(plain.stream().anyMatch(o -> o.containsKey("status") && metadata(o).containsKey("uid")), "the demo has something to strip");
    // applied with the old cluster's owner uids, objects would be deleted by the new cluster's garbage collector
    assertTrue(plain.stream().anyMatch(o -> metadata(o).containsKey("ownerReferences")), "the demo has owned objects");
    int lastApplied = 0;
    for (Map<String, Object> o : clean) {
      assertFalse(o.containsKey("status"), () -> id(o) + " has a status");
      for (String f : STRIPPED) {
        assertFalse(metadata(o).containsKey(f), () -> id(o) + " has metadata." + f);
      }
      if (metadata(o).get("annotations") instanceof Map<?, ?> a && a.containsKey(CleanRule.LAST_APPLIED)) {
        lastApplied++;
      }
    }
    assertTrue(lastApplied > 0, "--clean keeps the last-applied-configuration annotation");
    // CRDs, then namespaces, then the rest in a restore's order
    assertEquals("CustomResourceDefinition", clean.get(0).get("kind"));
    int firstOther = 0;
    while (List.of("CustomResourceDefinition", "Namespace").contains(clean.get(firstOther).get("kind"))) {
      firstOther++;
    }
    assertEquals(plain.stream().filter(o -> List.of("CustomResourceDefinition", "Namespace").contains(o.get("kind"))).count(), firstOther);
    List<Integer> tiers = clean.stream().map(ExportCleanTest::tier).toList();
    assertEquals(tiers.stream().sorted(Comparator.naturalOrder()).toList(), tiers, "objects in restore tier order");
    assertEquals("Event", clean.get(clean.size() - 1).get("kind"));
  }

  @Test
  void cleanAllAlsoLeavesOutLastApplied() {
    List<Map<String, Object>> all = export(DEMO, "--clean=all", "-o", "json");
    for (Map<String, Object> o : all) {
      if (metadata(o).get("annotations") instanceof Map<?, ?> a) {
        assertFalse(a.containsKey(CleanRule.LAST_APPLIED), () -> id(o) + " keeps last-applied");
        assertFalse(a.isEmpty(), () -> id(o) + " keeps an empty annotations map");
      }
      assertFalse(metadata(o).containsKey("uid"));
    }
  }

  @Test
  void aWrongCleanValueIsABadUsage() {
    CliRun r = CliRun.of("export", DEMO, "--clean=yes");
    assertEquals(2, r.code(), r::show);
    assertEquals("regshift: --clean=yes: say --clean, or --clean=all to drop the kubectl.kubernetes.io/last-applied-configuration"
        + " annotation too\n", r.err());
    assertEquals("", r.out());
  }
}
