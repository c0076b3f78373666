package io.regshift.kube;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The codec against Kubernetes' own round-trip data for every API type: protobuf decodes to
 * the JSON Kubernetes prints, that JSON encodes to the very bytes Kubernetes wrote, and the
 * YAML is what kubectl prints.
 */
class KubernetesFixturesTest {
  private final ValueCodec codec = ValueCodec.builtin();

  @TestFactory
  Stream<DynamicContainer> everyFixture() throws Exception {
    return Fixtures.names().stream().map(name -> DynamicContainer.dynamicContainer(name, Stream.of(
        DynamicTest.dynamicTest("protobuf decodes to the fixture JSON", () -> decodes(name)),
        DynamicTest.dynamicTest("fixture JSON encodes to the fixture protobuf bytes", () -> encodes(name)),
        DynamicTest.dynamicTest("YAML is the fixture YAML", () -> yaml(name)))));
  }

  private StoredValue decoded(String name) throws Exception {
    StoredValue v = codec.decode(Fixtures.bytes(name, "pb"));
    assertNull(v.error(), name + ": " + v.error());
    Assumptions.assumeFalse(v.object().containsKey(StoredValue.SCHEMALESS_KEY),
        name + ": no schema for " + v.apiVersion() + " " + v.kind()
            + " in any source this build harvested (see k8s-schemas.pb.sources)");
    // HEAD fixtures are Kubernetes' development tree; fields newer than every harvested schema
    // decode as unknown fields (kept as bytes). Such fixtures cannot match, and say why.
    Assumptions.assumeFalse(v.warnings().stream().anyMatch(w -> w.contains("not in the schema")),
        name + ": has fields newer than this build's schemas: " + v.warnings());
    assertTrue(v.warnings().isEmpty(), name + ": " + v.warnings());
    return v;
  }

  private void decodes(String name) throws Exception {
    StoredValue v = decoded(name);
    Object expected = Json.parse(Fixtures.bytes(name, "json"));
    assertEquals(Json.writeIndented(expected), Json.writeIndented(v.object()));
  }

  private void encodes(String name) throws Exception {
    decoded(name); // skips kinds without a schema
    @SuppressWarnings("unchecked")
    Map<String, Object> obj = (Map<String, Object>) Json.parse(Fixtures.bytes(name, "json"));
    byte[] expected = Fixtures.bytes(name, "pb");
    byte[] actual = codec.encodeProtobuf(obj);
    if (!java.util.Arrays.equals(expected, actual)) {
      assertEquals(HexFormat.of().formatHex(expected), HexFormat.of().formatHex(actual), name + ": bytes differ");
    }
    assertArrayEquals(expected, actual);
  }

  private void yaml(String name) throws Exception {
    StoredValue v = decoded(name);
    assertEquals(Fixtures.text(name, "yaml"), Yaml.write(v.object()));
  }
}
