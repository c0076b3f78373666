package io.regshift.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Values that are not Kubernetes objects: each gives a typed result with a cause, never an exception. */
class ValueCodecBadInputTest {
  private final ValueCodec codec = ValueCodec.builtin();

  private static byte[] configMap() {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("name", "settings");
    meta.put("namespace", "default");
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("mode", "fast");
    Map<String, Object> cm = new LinkedHashMap<>();
    cm.put("apiVersion", "v1");
    cm.put("kind", "ConfigMap");
    cm.put("metadata", meta);
    cm.put("data", data);
    return ValueCodec.builtin().encode(cm);
  }

  @Test
  void emptyValueIsReportedAsEmpty() {
    StoredValue v = codec.decode(new byte[0]);
    assertEquals(Encoding.RAW, v.encoding());
    assertEquals("empty value", v.error());
  }

  @Test
  void truncatedProtobufNamesTheByteWhereItEnds() {
    byte[] whole = configMap();
    StoredValue v = codec.decode(Arrays.copyOf(whole, whole.length - 10));
    assertEquals(Encoding.PROTOBUF, v.encoding());
    assertNotNull(v.error());
    assertTrue(v.error().contains("truncated") || v.error().contains("runs past the end"), v.error());
  }

  @Test
  void randomBytesNeverThrowAndKeepTheBytes() {
    Random r = new Random(42);
    for (int i = 0; i < 5000; i++) {
      byte[] b = new byte[r.nextInt(200)];
      r.nextBytes(b);
      if (i % 2 == 0 && b.length > 4) { // half of them behind a valid magic, to reach the protobuf path
        System.arraycopy(Envelope.MAGIC, 0, b, 0, 4);
      }
      StoredValue v = codec.decode(b);
      if (!v.ok()) {
        assertEquals(Base64.getEncoder().encodeToString(b), v.object().get(StoredValue.RAW_KEY));
      }
    }
  }

  @Test
  void envelopeWhoseBytesAreAnotherKindIsAnError() {
    byte[] cm = configMap();
    Envelope env = Envelope.parse(cm);
    // the same object bytes, labelled as a Pod: ConfigMap's data (field 2, a map) is not a PodSpec
    byte[] raw = Arrays.copyOfRange(cm, env.rawOffset(), env.rawOffset() + env.rawLength());
    byte[] relabelled = Envelope.wrap("v1", "Pod", raw);
    StoredValue v = codec.decode(relabelled);
    assertFalse(v.ok() && v.warnings().isEmpty(), "a ConfigMap decoded as a Pod without complaint: " + v.object());
  }

  @Test
  void jsonThatIsNotAnObjectIsAnError() {
    StoredValue v = codec.decode("[1,2,3]".getBytes(StandardCharsets.UTF_8));
    assertEquals(Encoding.RAW, v.encoding()); // does not start with {
    StoredValue w = codec.decode("{\"apiVersion\": ".getBytes(StandardCharsets.UTF_8));
    assertEquals(Encoding.JSON, w.encoding());
    assertNotNull(w.error());
  }

  @Test
  void unknownApiVersionDecodesGenericallyAndSaysSo() {
    byte[] cm = configMap();
    Envelope env = Envelope.parse(cm);
    byte[] raw = Arrays.copyOfRange(cm, env.rawOffset(), env.rawOffset() + env.rawLength());
    StoredValue v = codec.decode(Envelope.wrap("route.openshift.io/v1", "Route", raw));
    assertTrue(v.ok(), v.error());
    assertEquals(Boolean.TRUE, v.object().get(StoredValue.SCHEMALESS_KEY));
    assertTrue(v.warnings().get(0).contains("no schema for route.openshift.io/v1 Route"), v.warnings().toString());
    @SuppressWarnings("unchecked")
    Map<String, Object> meta = (Map<String, Object>) v.object().get("metadata");
    assertEquals("settings", meta.get("name"));
    assertEquals(Map.of("1", "mode", "2", "fast"), v.object().get("2")); // the data map entry, by field number
  }

  @Test
  void encodingAnUnknownKindNamesIt() {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("apiVersion", "v1");
    o.put("kind", "Gizmo");
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> codec.encode(o));
    assertEquals("no schema for v1 Gizmo: unknown apiVersion or kind", e.getMessage());
  }

  @Test
  void encodingAFieldTheSchemaLacksNamesThePath() {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("apiVersion", "v1");
    o.put("kind", "ConfigMap");
    o.put("metadata", new LinkedHashMap<>(Map.of("name", "x", "colour", "red")));
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> codec.encode(o));
    assertEquals("metadata.colour: no such field in k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta", e.getMessage());
  }

  @Test
  void encryptedValuesNameProviderAndKey() {
    StoredValue v = codec.decode("k8s:enc:aesgcm:v1:key2:\u0001\u0002garbage".getBytes(StandardCharsets.ISO_8859_1));
    assertEquals(Encoding.ENCRYPTED, v.encoding());
    assertEquals("aesgcm", v.provider());
    assertEquals("key2", v.keyName());
    assertTrue(v.error().startsWith("encrypted with aesgcm key \"key2\""), v.error());
  }

  @Test
  void losslessDecodeGivesBackTheStoredBytes() {
    byte[] stored = configMap();
    StoredValue v = codec.decode(stored, true);
    assertTrue(v.ok());
    assertEquals(List.of(), v.warnings());
    assertTrue(Arrays.equals(stored, codec.encode(v.object())));
  }
}
