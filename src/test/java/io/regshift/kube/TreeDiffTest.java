package io.regshift.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What history --diff shows between two revisions of an object. */
class TreeDiffTest {

  private static List<String> diff(String before, String after) {
    return TreeDiff.diff(Json.parse(before), Json.parse(after)).stream()
        .map(c -> c.op() + " " + c.path() + " " + Json.write(c.oldValue()) + " " + Json.write(c.newValue()))
        .toList();
  }

  @Test
  void changedAddedAndRemovedFieldsWithTheirPaths() {
    assertEquals(List.of("CHANGED spec.replicas 2 3", "ADDED metadata.labels[\"app.kubernetes.io/name\"] null \"web\"",
            "REMOVED metadata.labels.tier \"a\" null"),
        diff("{\"spec\":{\"replicas\":2},\"metadata\":{\"labels\":{\"tier\":\"a\"}}}",
            "{\"spec\":{\"replicas\":3},\"metadata\":{\"labels\":{\"app.kubernetes.io/name\":\"web\"}}}")
            .stream().sorted((a, b) -> a.startsWith("CHANGED") ? -1 : b.startsWith("CHANGED") ? 1 : a.compareTo(b)).toList());
  }

  @Test
  void namedListElementsAreMatchedByNameNotPosition() {
    // the sidecar moved to the front and web's image changed: one change, one addition
    assertEquals(List.of("CHANGED containers[name=web].image \"nginx:1\" \"nginx:2\"",
            "ADDED containers[name=sidecar] null {\"image\":\"envoy\",\"name\":\"sidecar\"}"),
        diff("{\"containers\":[{\"name\":\"web\",\"image\":\"nginx:1\"}]}",
            "{\"containers\":[{\"name\":\"sidecar\",\"image\":\"envoy\"},{\"name\":\"web\",\"image\":\"nginx:2\"}]}"));
  }

  @Test
  void plainListsAreComparedByIndexAndEqualTreesHaveNoChanges() {
    assertEquals(List.of("CHANGED args[1] \"b\" \"c\"", "ADDED args[2] null \"d\""),
        diff("{\"args\":[\"a\",\"b\"]}", "{\"args\":[\"a\",\"c\",\"d\"]}"));
    assertEquals(List.of(), diff("{\"a\":{\"b\":[1,{\"c\":null}]}}", "{\"a\":{\"b\":[1,{\"c\":null}]}}"));
  }
}
