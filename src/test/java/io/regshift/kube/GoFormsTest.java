package io.regshift.kube;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Kubernetes' special JSON forms, each checked both ways through a real object that carries it. */
class GoFormsTest {
  private final ValueCodec codec = ValueCodec.builtin();

  @SuppressWarnings("unchecked")
  private Map<String, Object> roundTrip(String yaml) {
    Map<String, Object> obj = ManifestReader.read(yaml).get(0);
    byte[] stored = codec.encode(obj);
    StoredValue v = codec.decode(stored);
    assertEquals(null, v.error());
    assertArrayEquals(stored, codec.encode(v.object()), "re-encoding the decoded object changed the bytes");
    return v.object();
  }

  @Test
  void timesAreRfc3339AndMicroTimesKeepSixDigits() {
    Map<String, Object> ev = roundTrip("""
        apiVersion: v1
        kind: Event
        metadata: {name: e, namespace: default, creationTimestamp: "2024-02-29T23:59:59Z"}
        involvedObject: {kind: Pod, name: p}
        eventTime: "2024-03-01T00:00:00.123456Z"
        firstTimestamp: null
        """);
    assertEquals("2024-02-29T23:59:59Z", ((Map<?, ?>) ev.get("metadata")).get("creationTimestamp"));
    assertEquals("2024-03-01T00:00:00.123456Z", ev.get("eventTime"));
    assertEquals(null, ev.get("firstTimestamp"));
  }

  @Test
  void intOrStringKeepsItsKind() {
    Map<String, Object> svc = roundTrip("""
        apiVersion: v1
        kind: Service
        metadata: {name: s, namespace: default}
        spec:
          ports:
          - {name: http, port: 80, targetPort: 8080}
          - {name: web, port: 81, targetPort: http-alt}
        """);
    List<?> ports = (List<?>) ((Map<?, ?>) svc.get("spec")).get("ports");
    assertEquals(8080L, ((Map<?, ?>) ports.get(0)).get("targetPort"));
    assertEquals("http-alt", ((Map<?, ?>) ports.get(1)).get("targetPort"));
  }

  @Test
  void quantitiesDurationsAndRawJson() {
    Map<String, Object> pod = roundTrip("""
        apiVersion: v1
        kind: Pod
        metadata:
          name: p
          namespace: default
          managedFields:
          - manager: kubectl
            fieldsType: FieldsV1
            fieldsV1: {"f:spec": {"f:containers": {}}}
        spec:
          containers:
          - name: c
            image: nginx
            resources:
              limits: {cpu: 500m, memory: 1Gi}
        """);
    Map<?, ?> c = (Map<?, ?>) ((List<?>) ((Map<?, ?>) pod.get("spec")).get("containers")).get(0);
    assertEquals(Map.of("cpu", "500m", "memory", "1Gi"), ((Map<?, ?>) c.get("resources")).get("limits"));
    Map<?, ?> mf = (Map<?, ?>) ((List<?>) ((Map<?, ?>) pod.get("metadata")).get("managedFields")).get(0);
    assertEquals(Map.of("f:spec", Map.of("f:containers", Map.of())), mf.get("fieldsV1"));

    Map<String, Object> hpa = roundTrip("""
        apiVersion: flowcontrol.apiserver.k8s.io/v1
        kind: PriorityLevelConfiguration
        metadata: {name: plc}
        spec: {type: Limited}
        """);
    assertEquals("plc", ((Map<?, ?>) hpa.get("metadata")).get("name"));
  }

  @Test
  void goDurationsPrintAsGoDoes() {
    assertEquals("1h0m0s", io.regshift.kube.proto.GoTimeAccess.duration(3_600_000_000_000L));
    assertEquals("1m30s", io.regshift.kube.proto.GoTimeAccess.duration(90_000_000_000L));
    assertEquals("1.5s", io.regshift.kube.proto.GoTimeAccess.duration(1_500_000_000L));
    assertEquals("2ms", io.regshift.kube.proto.GoTimeAccess.duration(2_000_000L));
    assertEquals("1.5µs", io.regshift.kube.proto.GoTimeAccess.duration(1_500L));
    assertEquals("0s", io.regshift.kube.proto.GoTimeAccess.duration(0));
    assertEquals("-5s", io.regshift.kube.proto.GoTimeAccess.duration(-5_000_000_000L));
    assertEquals(5_400_000_000_000L, io.regshift.kube.proto.GoTimeAccess.parseDuration("1h30m"));
    assertEquals(1_500_000L, io.regshift.kube.proto.GoTimeAccess.parseDuration("1.5ms"));
  }

  @Test
  void schemaPropsUseDollarAndKubernetesExtensionNames() {
    Map<String, Object> crd = new LinkedHashMap<>(ManifestReader.read("""
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: crontabs.stable.example.com}
        spec:
          group: stable.example.com
          names: {plural: crontabs, kind: CronTab}
          scope: Namespaced
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                x-kubernetes-preserve-unknown-fields: true
                additionalProperties: false
                properties:
                  spec: {$ref: "#/definitions/spec", default: {a: 1}}
        """).get(0));
    byte[] pb = codec.encodeProtobuf(crd);
    StoredValue v = codec.decode(pb);
    assertEquals(null, v.error());
    Map<?, ?> schema = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) ((List<?>) ((Map<?, ?>) v.object().get("spec")).get("versions")).get(0)).get("schema")).get("openAPIV3Schema");
    assertEquals(Boolean.TRUE, schema.get("x-kubernetes-preserve-unknown-fields"));
    assertEquals(Boolean.FALSE, schema.get("additionalProperties"));
    assertEquals("#/definitions/spec", ((Map<?, ?>) ((Map<?, ?>) schema.get("properties")).get("spec")).get("$ref"));
    assertEquals(Map.of("a", 1L), ((Map<?, ?>) ((Map<?, ?>) schema.get("properties")).get("spec")).get("default"));
    assertArrayEquals(pb, codec.encodeProtobuf(v.object()));
  }
}
