package io.regshift.kube.proto;

import java.util.Map;
import java.util.Set;

/**
 * Fields that are Go values, not pointers, so gogo writes them even when zero (and JSON's
 * omitempty hides them). The descriptors do not say which fields these are; without this
 * table, encoding JSON that omits them gives bytes kube-apiserver would not write. Listed for
 * the types where it matters most: ObjectMeta (every object) and JSONSchemaProps (whose nested
 * schemas are usually sparse). From the Go structs in k8s.io/apimachinery and apiextensions.
 */
final class GoValueFields {
  private static final Set<Integer> SCHEMA_PROPS = Set.of(1, 2, 4, 5, 6, 7, 10, 12, 15, 18, 37, 39, 40);
  private static final Map<String, Set<Integer>> BY_MESSAGE = Map.of(
      // name, generateName, namespace, selfLink, uid, resourceVersion, generation, creationTimestamp
      "k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta", Set.of(1, 2, 3, 4, 5, 6, 7, 8),
      // id, $schema, description, type, format, title, exclusiveMaximum, exclusiveMinimum, pattern,
      // uniqueItems, nullable, x-kubernetes-embedded-resource, x-kubernetes-int-or-string
      "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps", SCHEMA_PROPS,
      "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1beta1.JSONSchemaProps", SCHEMA_PROPS);

  /** @param message the full name of the message type the field is in */
  static boolean alwaysWritten(String message, int number) {
    Set<Integer> s = BY_MESSAGE.get(message);
    return s != null && s.contains(number);
  }

  private GoValueFields() {}
}
