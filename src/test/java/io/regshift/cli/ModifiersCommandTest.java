package io.regshift.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regshift.kube.Json;
import io.regshift.kube.ManifestReader;
import io.regshift.kube.ValueCodec;
import io.regshift.testing.EtcdExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** --modifiers as a user runs it: export and restore of the demo snapshot with Velero rules, checked with etcdctl. */
class ModifiersCommandTest {
  static final String DEMO = "test-data/demo-cluster.db";
  static final String RULES = """
      version: v1
      resourceModifierRules:
      - conditions:
          groupResource: deployments.apps
          namespaces: [shop]
        patches:
        - operation: replace
          path: /spec/replicas
          value: "1"
      - conditions:
          groupResource: configmaps
          resourceNameRegex: "-config$"
        mergePatches:
        - patchData: |
            metadata:
              labels:
                restored: "yes"
      """;
  static final Set<String> CHANGED = Set.of("/registry/deployments/shop/cart", "/registry/deployments/shop/frontend",
      "/registry/configmaps/shop/cart-config", "/registry/configmaps/shop/frontend-config",
      "/registry/configmaps/kube-system/kubeadm-config", "/registry/configmaps/kube-system/kubelet-config");
  /** Kinds whose references to source revisions any rewrite clears (ResourceVersionRule), not the modifiers. */
  static final List<String> REFERENCING = List.of("/registry/events/", "/registry/services/endpoints/",
      "/registry/persistentvolumes/", "/registry/cronjobs/");

  @RegisterExtension EtcdExtension plain = new EtcdExtension();
  @RegisterExtension EtcdExtension modified = new EtcdExtension();
  @TempDir Path tmp;

  Path rules(String text) throws Exception {
    Path file = tmp.resolve("modifiers.yaml");
    Files.writeString(file, text);
    return file;
  }

  @Test
  void exportAppliesTheRulesAndReportsEachChange() throws Exception {
    Path report = tmp.resolve("report.jsonl");
    CliRun r = CliRun.of("export", DEMO, "-n", "shop", "--modifiers", rules(RULES).toString(), "--report", report.toString());
    assertEquals(0, r.code(), r::show);
    Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
    for (Map<String, Object> o : ManifestReader.read(r.out())) {
      Map<?, ?> md = (Map<?, ?>) o.get("metadata");
      byName.put(o.get("kind") + "/" + md.get("name"), o);
    }
    assertEquals(1L, ((Map<?, ?>) byName.get("Deployment/cart").get("spec")).get("replicas"));
    assertEquals("yes", ((Map<?, ?>) ((Map<?, ?>) byName.get("ConfigMap/cart-config").get("metadata")).get("labels")).get("restored"));
    assertEquals(null, ((Map<?, ?>) byName.get("ConfigMap/kube-root-ca.crt").get("metadata")).get("labels"));
    List<String> lines = Files.readAllLines(report);
    assertTrue(lines.contains("{\"key\":\"/registry/deployments/shop/cart\",\"rule\":\"modifiers[0]\",\"path\":\"spec.replicas\","
        + "\"old\":2,\"new\":1}"), lines::toString);
    assertEquals(4, lines.size(), lines::toString);
    assertTrue(r.err().contains("rewritten 4 objects (changes: modifiers[0] 2, modifiers[1] 2)"), r::show);
  }

  @Test
  void restoreWritesChangedValuesAndEveryOtherKeyByteForByte() throws Exception {
    CliRun p = CliRun.of("restore", DEMO, "--endpoints", plain.endpoint(), "--include-all", "--journal", tmp.resolve("p.journal").toString());
    assertEquals(0, p.code(), p::show);
    CliRun m = CliRun.of("restore", DEMO, "--endpoints", modified.endpoint(), "--include-all", "--journal",
        tmp.resolve("m.journal").toString(), "--modifiers", rules(RULES).toString());
    assertEquals(0, m.code(), m::show);
    Map<String, RestoreCommandTest.Stored> before = RestoreCommandTest.registry(plain.endpoint());
    Map<String, RestoreCommandTest.Stored> after = RestoreCommandTest.registry(modified.endpoint());
    assertEquals(before.keySet(), after.keySet());
    Set<String> differ = new TreeSet<>();
    before.forEach((k, s) -> {
      if (!s.value().equals(after.get(k).value()) && REFERENCING.stream().noneMatch(k::startsWith)) {
        differ.add(k);
      }
    });
    assertEquals(new TreeSet<>(CHANGED), differ);
    ValueCodec codec = ValueCodec.builtin();
    Map<String, Object> cart = codec.decode(Base64.getDecoder().decode(after.get("/registry/deployments/shop/cart").value()), false).object();
    assertEquals(1L, ((Map<?, ?>) cart.get("spec")).get("replicas"));
    Map<String, Object> cm = codec.decode(Base64.getDecoder().decode(after.get("/registry/configmaps/shop/frontend-config").value()), false).object();
    assertEquals("yes", ((Map<?, ?>) ((Map<?, ?>) cm.get("metadata")).get("labels")).get("restored"));
  }

  @Test
  void aBadFileIsRefusedBeforeAnythingIsWritten() throws Exception {
    Path file = rules(RULES.replace("operation: replace", "operation: set"));
    CliRun r = CliRun.of("restore", DEMO, "--endpoints", modified.endpoint(), "--journal", tmp.resolve("j").toString(),
        "--modifiers", file.toString());
    assertEquals(2, r.code(), r::show);
    assertEquals("regshift: " + file + ", line 7 (resourceModifierRules[0].patches[0].operation): unsupported operation \"set\""
        + " (add, remove, replace, move, copy or test)\n", r.err());
    assertTrue(RestoreCommandTest.registry(modified.endpoint()).isEmpty());
  }

  @Test
  void aPatchThatFailsOnSomeObjectIsNamedBeforeAnythingIsWritten() throws Exception {
    Path file = rules("""
        version: v1
        resourceModifierRules:
        - conditions:
            groupResource: configmaps
            namespaces: [shop]
          patches:
          - operation: remove
            path: /metadata/labels/tier
        """);
    CliRun r = CliRun.of("restore", DEMO, "--endpoints", modified.endpoint(), "--journal", tmp.resolve("j").toString(),
        "--modifiers", file.toString());
    assertEquals(2, r.code(), r::show);
    assertTrue(r.err().startsWith("regshift: --modifiers " + file + ": the rules fail on 3 objects, nothing written:"
        + " /registry/configmaps/shop/cart-config: modifiers[0] (" + file + ", line 3): remove /metadata/labels/tier: there is"
        + " no metadata.labels.tier;"), r::show);
    assertTrue(RestoreCommandTest.registry(modified.endpoint()).isEmpty());
    assertEquals("", CliRun.of("export", DEMO, "--modifiers", file.toString()).out());
  }
}
