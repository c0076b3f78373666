package io.regshift.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The metadata peek against the full codec, on Kubernetes' own fixtures (every field of
 * ObjectMeta is set there, with owner references and labels): same name, namespace, uid, labels,
 * owners and Secret type as the decoded object, for protobuf and for the JSON of the same object.
 */
class ObjectHeadTest {
  private final ValueCodec codec = ValueCodec.builtin();

  @TestFactory
  Stream<DynamicTest> protobufFixturesPeekAsTheCodecDecodes() {
    return Fixtures.names().stream().map(name -> DynamicTest.dynamicTest(name, () -> {
      byte[] pb = Fixtures.bytes(name, "pb");
      StoredValue full = codec.decode(pb);
      assertNull(full.error(), name + ": " + full.error());
      Assumptions.assumeTrue(hasObjectMeta(full), name + ": field 1 is not ObjectMeta (not a stored kind)");
      ObjectHead head = ObjectHead.read(pb);
      assertEquals(full.apiVersion(), head.apiVersion());
      assertEquals(full.kind(), head.kind());
      assertEquals(expected(full.object()), actual(head), name);
    }));
  }

  @TestFactory
  Stream<DynamicTest> jsonFixturesPeekAsTheCodecDecodes() {
    return Fixtures.names().stream().map(name -> DynamicTest.dynamicTest(name, () -> {
      StoredValue full = codec.decode(Fixtures.bytes(name, "pb"));
      Assumptions.assumeTrue(full.ok() && hasObjectMeta(full), name + ": not a stored kind");
      byte[] json = Fixtures.bytes(name, "json");
      ObjectHead head = ObjectHead.read(json);
      assertEquals(expected(full.object()), actual(head), name);
      byte[] cbor = Cbor.encode(Json.parse(json));
      assertEquals(actual(head), actual(ObjectHead.read(cbor)), name + " as CBOR");
    }));
  }

  @Test
  void theSecretFixtureCarriesItsTypeAndOwnersAreFound() throws Exception {
    Assumptions.assumeTrue(Fixtures.names().contains("core.v1.Secret"));
    byte[] pb = Fixtures.bytes("core.v1.Secret", "pb");
    Map<?, ?> obj = codec.decode(pb).object();
    ObjectHead head = ObjectHead.read(pb);
    assertEquals(obj.get("type"), head.secretType());
    assertTrue(!head.secretType().isEmpty());
    assertTrue(!head.ownerReferences().isEmpty(), "the fixture has owner references");
    assertTrue(!head.labels().isEmpty(), "the fixture has labels");
    ObjectHead rs = ObjectHead.read(Fixtures.bytes("apps.v1.ReplicaSet", "pb"));
    assertNull(rs.secretType(), "only Secrets have a type");
  }

  @Test
  void aValueWrittenByOurEncoderPeeksAsWritten() {
    byte[] pod = codec.encode(ManifestReader.read("""
        apiVersion: v1
        kind: Pod
        metadata:
          name: web-7d4b9c-x2x
          namespace: shop
          uid: 4a1b2c3d-0000-4000-8000-000000000001
          labels: {app: web, pod-template-hash: 7d4b9c}
          ownerReferences:
          - {apiVersion: apps/v1, kind: ReplicaSet, name: web-7d4b9c, uid: 4a1b2c3d-0000-4000-8000-000000000002, controller: true, blockOwnerDeletion: true}
          - {apiVersion: v1, kind: ConfigMap, name: other, uid: 4a1b2c3d-0000-4000-8000-000000000003}
        spec:
          containers:
          - {name: web, image: nginx}
        """).get(0));
    ObjectHead h = ObjectHead.read(pod);
    assertEquals("web-7d4b9c-x2x", h.name());
    assertEquals("shop", h.namespace());
    assertEquals(Map.of("app", "web", "pod-template-hash", "7d4b9c"), h.labels());
    assertEquals(new ObjectHead.OwnerReference("apps/v1", "ReplicaSet", "web-7d4b9c",
        "4a1b2c3d-0000-4000-8000-000000000002", true), h.controllerReference());
    assertEquals(2, h.ownerReferences().size());
    assertEquals(false, h.ownerReferences().get(1).controller());

    byte[] token = codec.encode(ManifestReader.read("""
        apiVersion: v1
        kind: Secret
        metadata: {name: t, namespace: shop}
        type: kubernetes.io/service-account-token
        """).get(0));
    assertEquals("kubernetes.io/service-account-token", ObjectHead.read(token).secretType());
    byte[] opaque = codec.encode(ManifestReader.read("""
        apiVersion: v1
        kind: Secret
        metadata: {name: o, namespace: shop}
        data: {a: YQ==}
        """).get(0));
    assertEquals("", ObjectHead.read(opaque).secretType(), "no type stored: the apiserver reads it as Opaque");
  }

  @Test
  void unreadableValuesSayWhy() {
    byte[] pod = codec.encode(ManifestReader.read("""
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: shop, labels: {app: web}}
        """).get(0));
    IllegalArgumentException cut = assertThrows(IllegalArgumentException.class,
        () -> ObjectHead.read(Arrays.copyOf(pod, pod.length - 3)));
    assertTrue(cut.getMessage().contains("truncated") || cut.getMessage().contains("runs past"), cut.getMessage());
    IllegalArgumentException enc = assertThrows(IllegalArgumentException.class,
        () -> ObjectHead.read("k8s:enc:aescbc:v1:key1:xxxxxxxxxxxxxxxxxxxxxxxx".getBytes(StandardCharsets.UTF_8)));
    assertTrue(enc.getMessage().contains("encrypted at rest"), enc.getMessage());
    IllegalArgumentException noConfig = assertThrows(IllegalArgumentException.class, () -> ObjectHead.read(
        "/registry/secrets/a/b", "k8s:enc:aescbc:v1:key1:xxxxxxxxxxxxxxxxxxxxxxxx".getBytes(StandardCharsets.UTF_8), codec));
    assertTrue(noConfig.getMessage().contains("--encryption-config"), noConfig.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ObjectHead.read("[1,2]".getBytes(StandardCharsets.UTF_8)));
    assertThrows(IllegalArgumentException.class, () -> ObjectHead.read(new byte[0]));
  }

  /** Only kinds whose message has ObjectMeta as field 1 (every stored kind; not reviews or lists). */
  private boolean hasObjectMeta(StoredValue v) {
    Optional<Descriptor> d = codec.proto().schemaFor(v.apiVersion(), v.kind());
    if (d.isEmpty() || v.kind().endsWith("List")) {
      return false;
    }
    FieldDescriptor f = d.get().findFieldByNumber(1);
    return f != null && f.getName().equals("metadata") && f.getType() == FieldDescriptor.Type.MESSAGE
        && f.getMessageType().getName().equals("ObjectMeta");
  }

  private static Map<String, Object> expected(Map<String, Object> obj) {
    Map<?, ?> meta = (Map<?, ?>) obj.getOrDefault("metadata", Map.of());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", meta.get("name") == null ? "" : meta.get("name"));
    m.put("namespace", meta.get("namespace") == null ? "" : meta.get("namespace"));
    m.put("uid", meta.get("uid") == null ? "" : meta.get("uid"));
    m.put("labels", meta.get("labels") == null ? Map.of() : meta.get("labels"));
    List<List<Object>> owners = new ArrayList<>();
    if (meta.get("ownerReferences") instanceof List<?> refs) {
      for (Object r : refs) {
        Map<?, ?> o = (Map<?, ?>) r;
        owners.add(Arrays.asList(o.get("apiVersion"), o.get("kind"), o.get("name"), o.get("uid"),
            Boolean.TRUE.equals(o.get("controller"))));
      }
    }
    m.put("owners", owners);
    boolean secret = "Secret".equals(obj.get("kind")) && "v1".equals(obj.get("apiVersion"));
    m.put("secretType", secret ? (obj.get("type") == null ? "" : obj.get("type")) : null);
    return m;
  }

  private static Map<String, Object> actual(ObjectHead h) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", h.name());
    m.put("namespace", h.namespace());
    m.put("uid", h.uid());
    m.put("labels", h.labels());
    List<List<Object>> owners = new ArrayList<>();
    for (ObjectHead.OwnerReference r : h.ownerReferences()) {
      owners.add(List.of(r.apiVersion(), r.kind(), r.name(), r.uid(), r.controller()));
    }
    m.put("owners", owners);
    m.put("secretType", h.secretType());
    return m;
  }
}
