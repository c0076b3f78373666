package io.regshift.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A bad modifiers file is refused with the file, the line, the field and the cause. */
class ResourceModifiersTest {

  static String error(String yaml) {
    return assertThrows(ModifiersFileException.class, () -> ResourceModifiers.parse(yaml, "mods.yaml")).getMessage();
  }

  static final String HEAD = "version: v1\nresourceModifierRules:\n- conditions:\n    groupResource: pods\n";

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', value = {
      "  patches:\\n  - operation: delete\\n    path: /a | mods.yaml, line 6 (resourceModifierRules[0].patches[0].operation): unsupported operation \"delete\" (add, remove, replace, move, copy or test)",
      "  patches:\\n  - operation: replace\\n    path: a\\n    value: x | mods.yaml, line 7 (resourceModifierRules[0].patches[0].path): JSON pointer \"a\" does not start with '/'",
      "  patches:\\n  - operation: remove | mods.yaml, line 6 (resourceModifierRules[0].patches[0].path): path cannot be empty",
      "  patches:\\n  - operation: copy\\n    path: /a | mods.yaml, line 6 (resourceModifierRules[0].patches[0].from): copy needs from: the JSON pointer of the value to copy",
      "  patches:\\n  - operation: add\\n    path: /a | mods.yaml, line 6 (resourceModifierRules[0].patches[0].value): no value (write value: \"\" for an empty string)",
      "  patches:\\n  - operation: add\\n    path: /a\\n    value: '{\"a\": 1' | mods.yaml, line 8 (resourceModifierRules[0].patches[0].value): the value starts like JSON but is not: line 1, column 8: unexpected end of input, expected ',' or '}' in object (a string in quotes, '\"{\"a\": 1\"', is taken as that string)",
      "  patches:\\n  - operation: add\\n    path: /a\\n    value: | mods.yaml, line 8 (resourceModifierRules[0].patches[0].value): the value is YAML null, which Velero reads as \"\"; write value: \"\" for an empty string, or value: \"null\" for JSON null",
      "  patches:\\n  - operation: add\\n    path: /a\\n    valeu: 1 | mods.yaml, line 8 (resourceModifierRules[0].patches[0].valeu): unknown field \"valeu\" (known: operation, path, from, value)",
      "  strategicPatches:\\n  - patchData: '{}' | mods.yaml, line 5 (resourceModifierRules[0].strategicPatches): strategic merge patches are not supported (they need each type's merge keys); use mergePatches, or patches (JSON Patch) for lists",
      "  mergePatches:\\n  - patchData: '[1' | mods.yaml, line 6 (resourceModifierRules[0].mergePatches[0].patchData): not valid YAML or JSON: line 1, column 3:",
      "  foo: 1 | mods.yaml, line 5 (resourceModifierRules[0].foo): unknown field \"foo\" (known: conditions, patches, mergePatches, strategicPatches)",
      "  | mods.yaml, line 3 (resourceModifierRules[0]): no patches and no mergePatches: the rule would change nothing",
  })
  void badRules(String rest, String expected) {
    // the CSV source trims the first line's indentation: give it back
    String message = error(HEAD + (rest == null ? "" : "  " + rest.replace("\\n", "\n")) + "\n");
    assertEquals(expected, message.length() > expected.length() && expected.endsWith("column 3:") ? message.substring(0, expected.length()) : message);
  }

  @Test
  void badConditions() {
    assertEquals("mods.yaml, line 4 (resourceModifierRules[0].conditions.resourceNameRegex): not a regular expression:"
        + " Unclosed group near index 4", error("version: v1\nresourceModifierRules:\n- conditions:\n    resourceNameRegex: \"(abc\"\n"
        + "    groupResource: pods\n  patches: [{operation: remove, path: /a}]\n"));
    assertEquals("mods.yaml, line 4 (resourceModifierRules[0].conditions.groupKind): unknown field \"groupKind\" (Velero's"
        + " early docs said groupKind; the field is groupResource)",
        error("version: v1\nresourceModifierRules:\n- conditions:\n    groupKind: pods\n  patches: [{operation: remove, path: /a}]\n"));
    assertEquals("mods.yaml, line 4 (resourceModifierRules[0].conditions.groupResource): groupResource cannot be empty"
        + " (e.g. persistentvolumeclaims, deployments.apps, *.apps)",
        error("version: v1\nresourceModifierRules:\n- conditions:\n    namespaces: [a]\n  patches: [{operation: remove, path: /a}]\n"));
    assertEquals("mods.yaml, line 7 (resourceModifierRules[0].conditions.labelSelector.matchExpressions[0]): operator In needs values",
        error(HEAD + "    labelSelector:\n      matchExpressions:\n      - {key: a, operator: In}\n  patches: [{operation: remove, path: /a}]\n"));
    assertEquals("mods.yaml, line 7 (resourceModifierRules[0].conditions.labelSelector.matchExpressions[0].operator): unknown"
        + " operator \"in\" (In, NotIn, Exists, DoesNotExist)",
        error(HEAD + "    labelSelector:\n      matchExpressions:\n      - {key: a, operator: in, values: [x]}\n  patches: [{operation: remove, path: /a}]\n"));
  }

  @Test
  void badFiles() {
    assertEquals("mods.yaml, line 1 (version): unsupported version \"v2\" (this is Velero's version v1 format)",
        error("version: v2\nresourceModifierRules: []\n"));
    assertEquals("mods.yaml, line 1: no version (expected version: v1)", error("resourceModifierRules: []\n"));
    assertEquals("mods.yaml, line 2 (resourceModifierRules): resource modifier rules cannot be empty",
        error("version: v1\nresourceModifierRules: []\n"));
    assertEquals("mods.yaml, line 2: not valid YAML: mapping values are not allowed here",
        error("version: v1\nresourceModifierRules: a: b\n"));
    assertEquals("mods.yaml: empty (expected version: v1 and resourceModifierRules)", error(""));
  }

  @Test
  void readsVelerosConfigMap(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("cm.yaml");
    Files.writeString(file, """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: modifiers
          namespace: velero
        data:
          rules.yaml: |
            version: v1
            resourceModifierRules:
            - conditions:
                groupResource: pods
              patches:
              - operation: delete
                path: /a
        """);
    assertEquals(file + ", line 13 (resourceModifierRules[0].patches[0].operation): unsupported operation \"delete\""
        + " (add, remove, replace, move, copy or test)",
        assertThrows(ModifiersFileException.class, () -> ResourceModifiers.read(file)).getMessage());
    Files.writeString(file, Files.readString(file).replace("delete", "remove"));
    assertEquals(1, ResourceModifiers.read(file).rules().size());
    assertEquals(dir.resolve("none.yaml") + ": no such file",
        assertThrows(ModifiersFileException.class, () -> ResourceModifiers.read(dir.resolve("none.yaml"))).getMessage());
  }
}
