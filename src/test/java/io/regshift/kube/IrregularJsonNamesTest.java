package io.regshift.kube;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Shapes the fixtures do not reach (their Node and Pod carry fields newer than our schemas):
 * a real kubelet's node status and a real pod's service-account projected volume.
 */
class IrregularJsonNamesTest {
  private final ValueCodec codec = ValueCodec.builtin();

  @Test
  void nodeDaemonEndpointPortKeepsItsCapitalisedJsonName() {
    Map<String, Object> node = ManifestReader.read("""
        apiVersion: v1
        kind: Node
        metadata:
          name: worker-1
        status:
          daemonEndpoints:
            kubeletEndpoint:
              Port: 10250
        """).get(0);
    byte[] stored = codec.encode(node);
    StoredValue v = codec.decode(stored);
    assertTrue(v.ok(), v.error());
    assertEquals("{\"Port\":10250}", Json.write(((Map<?, ?>) ((Map<?, ?>) v.object().get("status")).get("daemonEndpoints")).get("kubeletEndpoint")));
    assertArrayEquals(stored, codec.encode(codec.decode(stored, true).object()));
  }

  @Test
  void projectedDownwardApiIsAnObjectWithItems() {
    Map<String, Object> pod = ManifestReader.read("""
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
          namespace: shop
        spec:
          containers:
          - name: web
            image: nginx
          volumes:
          - name: kube-api-access
            projected:
              sources:
              - downwardAPI:
                  items:
                  - fieldRef:
                      apiVersion: v1
                      fieldPath: metadata.namespace
                    path: namespace
        """).get(0);
    StoredValue v = codec.decode(codec.encode(pod));
    assertTrue(v.ok(), v.error());
    assertTrue(Yaml.write(v.object()).contains("""
              - downwardAPI:
                  items:
                  - fieldRef:
        """), Yaml.write(v.object()));
  }
}
