package io.regshift.testdata;

import io.regshift.kube.Json;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * managedFields' {@code fieldsV1} sets, derived from the part of an object a manager wrote, in the
 * shape structured-merge-diff serializes them: {@code f:<field>} for fields, {@code k:<json key>}
 * for items of associative lists, {@code v:<json>} for items of sets, and {@code .} where the
 * node itself (a map, a pointer struct, a list item) is owned. The list keys and set-typed fields
 * are those of the Kubernetes types the generator writes.
 */
final class FieldsV1 {
  private FieldsV1() {}

  /** Associative lists and the fields of their items' keys. */
  private static final Map<String, List<String>> LIST_KEYS = Map.ofEntries(
      Map.entry("containers", List.of("name")),
      Map.entry("initContainers", List.of("name")),
      Map.entry("env", List.of("name")),
      Map.entry("volumes", List.of("name")),
      Map.entry("volumeMounts", List.of("mountPath")),
      Map.entry("imagePullSecrets", List.of("name")),
      Map.entry("conditions", List.of("type")),
      Map.entry("ownerReferences", List.of("uid")),
      Map.entry("podIPs", List.of("ip")),
      Map.entry("hostIPs", List.of("ip")),
      Map.entry("addresses", List.of("type")),
      Map.entry("clusterIPs", List.of()),
      // a container's ports by containerPort+protocol, a service's by port+protocol
      Map.entry("ports", List.of("containerPort", "port", "protocol")));

  /**
   * Fields whose node the manager owns besides its children: Go maps and pointer structs.
   * Value structs (an object's spec, a template, a LabelSelector's parent...) get no ".".
   */
  private static final Set<String> OWNED_NODES = Set.of(
      "labels", "annotations", "matchLabels", "nodeSelector", "limits", "requests", "data",
      "stringData", "binaryData", "rollingUpdate", "readinessProbe", "livenessProbe",
      "startupProbe", "httpGet", "tcpSocket", "exec", "configMap", "secret", "projected",
      "downwardAPI", "serviceAccountToken", "fieldRef", "resourceFieldRef", "valueFrom",
      "configMapKeyRef", "secretKeyRef", "emptyDir", "persistentVolumeClaim", "hostPath",
      "sessionAffinityConfig", "clientIP", "capacity", "allocatable", "daemonEndpoints",
      "kubeletEndpoint", "nodeInfo", "securityContext", "affinity", "nodeAffinity");

  /** Sets of scalars: {@code v:"item"} per element. */
  private static final Set<String> SETS = Set.of("finalizers", "podCIDRs");

  /** The fields of {@code partial} (the part of an object one manager set), as a fieldsV1 tree. */
  static Map<String, Object> of(Map<String, Object> partial) {
    return fieldsOfMap(partial, null, false);
  }

  private static Map<String, Object> fieldsOfMap(Map<String, Object> m, String parentField, boolean ownSelf) {
    Map<String, Object> out = new TreeMap<>();
    if (ownSelf) {
      out.put(".", new TreeMap<>());
    }
    for (Map.Entry<String, Object> e : m.entrySet()) {
      out.put("f:" + e.getKey(), fieldsOf(e.getKey(), e.getValue(), parentField));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> fieldsOf(String field, Object value, String parentField) {
    if (value instanceof Map<?, ?> m) {
      if (m.isEmpty()) {
        return new TreeMap<>();
      }
      return fieldsOfMap((Map<String, Object>) m, field, OWNED_NODES.contains(field));
    }
    if (value instanceof List<?> l) {
      Map<String, Object> out = new TreeMap<>();
      if (SETS.contains(field)) {
        out.put(".", new TreeMap<>());
        for (Object item : l) {
          out.put("v:" + Json.write(item), new TreeMap<>());
        }
        return out;
      }
      List<String> keys = LIST_KEYS.get(field);
      // EndpointSlice's top-level ports (parent: the object) are atomic, unlike a pod's or service's
      boolean atomic = keys == null || keys.isEmpty() || (field.equals("ports") && parentField == null);
      if (atomic || l.isEmpty() || !(l.get(0) instanceof Map)) {
        return out; // atomic list: owned as a whole
      }
      for (Object item : l) {
        Map<String, Object> element = (Map<String, Object>) item;
        Map<String, Object> key = new TreeMap<>();
        for (String k : keys) {
          if (element.containsKey(k)) {
            key.put(k, element.get(k));
          }
        }
        out.put("k:" + Json.write(key), fieldsOfMap(element, field, true));
      }
      return out;
    }
    return new TreeMap<>();
  }

  /** One managedFields entry. */
  static Map<String, Object> entry(String manager, String operation, String apiVersion, String time,
      Map<String, Object> partial, String subresource) {
    return Trees.map(
        "manager", manager,
        "operation", operation,
        "apiVersion", apiVersion,
        "time", time,
        "fieldsType", "FieldsV1",
        "fieldsV1", of(partial),
        "subresource", subresource);
  }
}
