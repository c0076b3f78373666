package io.regshift.kube.proto;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;

/**
 * Kubernetes types whose JSON form is not the plain mapping of their protobuf fields: Go
 * implements custom marshalling for them, so the codec must too.
 */
enum SpecialType {
  NONE,
  /** metav1.Time: RFC 3339 in UTC, seconds only; the empty message is the zero time, JSON null. */
  TIME,
  /** metav1.MicroTime: RFC 3339 with exactly six fractional digits. */
  MICRO_TIME,
  /** metav1.Duration: a Go duration string such as "1h2m3s". */
  DURATION,
  /** intstr.IntOrString: a JSON number or string. */
  INT_OR_STRING,
  /** resource.Quantity: its canonical string. */
  QUANTITY,
  /** RawExtension, FieldsV1, apiextensions JSON: the bytes are JSON, embedded as such. */
  RAW_JSON,
  /** JSONSchemaPropsOrBool: a schema object, or a boolean. */
  SCHEMA_OR_BOOL,
  /** JSONSchemaPropsOrArray: a schema object, or an array of schemas. */
  SCHEMA_OR_ARRAY,
  /** JSONSchemaPropsOrStringArray: a schema object, or an array of strings. */
  SCHEMA_OR_STRING_ARRAY,
  /** A named Go slice type (Verbs, ExtraValue...): go-to-protobuf wraps it in {repeated items = 1}. */
  ITEMS_LIST;

  private static final String META = "k8s.io.apimachinery.pkg.apis.meta.v1.";
  private static final String APIEXTENSIONS = "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.";

  static SpecialType of(Descriptor d) {
    String n = d.getFullName();
    if (n.startsWith(META)) {
      switch (n.substring(META.length())) {
        case "Time": return TIME;
        case "MicroTime": return MICRO_TIME;
        case "Duration": return DURATION;
        case "FieldsV1": return RAW_JSON;
        default: break;
      }
    }
    if (n.equals("k8s.io.apimachinery.pkg.util.intstr.IntOrString")) {
      return INT_OR_STRING;
    }
    if (n.equals("k8s.io.apimachinery.pkg.api.resource.Quantity")) {
      return QUANTITY;
    }
    if (n.equals("k8s.io.apimachinery.pkg.runtime.RawExtension")) {
      return RAW_JSON;
    }
    if (n.startsWith(APIEXTENSIONS)) {
      switch (d.getName()) {
        case "JSON": return RAW_JSON;
        case "JSONSchemaPropsOrBool": return SCHEMA_OR_BOOL;
        case "JSONSchemaPropsOrArray": return SCHEMA_OR_ARRAY;
        case "JSONSchemaPropsOrStringArray": return SCHEMA_OR_STRING_ARRAY;
        default: break;
      }
    }
    if (d.getFields().size() == 1) {
      FieldDescriptor f = d.getFields().get(0);
      // named string slices (ExtraValue, Verbs, ...); a struct with one list of messages, such as
      // DownwardAPIProjection{items}, is a real object and keeps its "items" key
      if (f.getNumber() == 1 && f.getName().equals("items") && f.isRepeated()
          && f.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        return ITEMS_LIST;
      }
    }
    return NONE;
  }
}
