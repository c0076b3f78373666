package io.regshift.kube.proto;

import com.google.protobuf.Descriptors.FieldDescriptor;

/** One protobuf field as the codec needs it: number, JSON name, shape. */
final class FieldLayout {
  final FieldDescriptor descriptor;
  final int number;
  final String jsonName;
  final FieldDescriptor.Type type;
  final boolean repeated;
  final boolean map;
  /** {@link #inline()}, known when the layout is made: asked for every field of every object. */
  private final boolean inline;
  /** A Go value field, written even when zero ({@link GoValueFields}), known when the layout is made. */
  final boolean alwaysWritten;
  private final LayoutCache cache;
  private MessageLayout message;

  FieldLayout(FieldDescriptor descriptor, LayoutCache cache) {
    this.descriptor = descriptor;
    this.number = descriptor.getNumber();
    this.jsonName = jsonName(descriptor);
    this.type = descriptor.getType();
    this.repeated = descriptor.isRepeated();
    this.map = descriptor.isMapField();
    this.inline = type == FieldDescriptor.Type.MESSAGE && !repeated && INLINE.contains(descriptor.getName());
    this.alwaysWritten = GoValueFields.alwaysWritten(descriptor.getContainingType().getFullName(), number);
    this.cache = cache;
  }

  /** The layout of this field's message type, resolved on first use (types are recursive). */
  MessageLayout message() {
    MessageLayout m = message;
    if (m == null) {
      m = cache.of(descriptor.getMessageType());
      message = m;
    }
    return m;
  }

  /** The wire type a non-packed value of this field uses. */
  int wireType() {
    return switch (type) {
      case DOUBLE, FIXED64, SFIXED64 -> 1;
      case FLOAT, FIXED32, SFIXED32 -> 5;
      case STRING, BYTES, MESSAGE, GROUP -> 2;
      default -> 0;
    };
  }

  /**
   * go-to-protobuf names a field after its JSON name, unless that name is not an identifier:
   * JSONSchemaProps' {@code $ref}, {@code $schema} and {@code x-kubernetes-*} use the Go name.
   */
  static String jsonName(FieldDescriptor f) {
    String name = f.getName();
    if (f.getContainingType().getName().equals("JSONSchemaProps")) {
      if (name.equals("ref")) {
        return "$ref";
      }
      if (name.equals("schema")) {
        return "$schema";
      }
    }
    if (name.startsWith("xKubernetes")) {
      StringBuilder b = new StringBuilder("x-kubernetes");
      for (char c : name.substring("xKubernetes".length()).toCharArray()) {
        if (Character.isUpperCase(c)) {
          b.append('-').append(Character.toLowerCase(c));
        } else {
          b.append(c);
        }
      }
      return b.toString();
    }
    if (name.equals("Port") && f.getContainingType().getName().equals("DaemonEndpoint")) {
      return name; // its Go tag is literally json:"Port" (NodeDaemonEndpoints.kubeletEndpoint)
    }
    return lowerLeadingAcronym(name);
  }

  /**
   * Go fields named with a leading acronym get a proto name that keeps its capitals
   * ({@code APIGroup} → {@code aPIGroup}, {@code UID} → {@code uID}), while their JSON name is
   * lower case ({@code apiGroup}, {@code uid}); some (CEL {@code Expression}) start upper case.
   */
  static String lowerLeadingAcronym(String name) {
    if (name.length() < 2) {
      return name;
    }
    boolean c0 = Character.isUpperCase(name.charAt(0));
    boolean c1 = Character.isUpperCase(name.charAt(1));
    if (c0 == c1) {
      return name; // plain camelCase, or a JSON name that is itself all capitals (v1beta1 JSONPath)
    }
    int end = 1;
    while (end < name.length() && Character.isUpperCase(name.charAt(end))) {
      end++;
    }
    if (end < name.length() && end > 1 && Character.isLowerCase(name.charAt(end))) {
      end--; // the last capital starts the next word: aPIGroup → api + Group
    }
    return name.substring(0, end).toLowerCase() + name.substring(end);
  }

  /**
   * Go structs embedded with {@code json:",inline"}: their fields appear in the parent's JSON
   * object. go-to-protobuf names the field after the embedded type; these are all of them in
   * Kubernetes' API types (seen in the struct tags of kubectl binaries and the API sources).
   */
  private static final java.util.Set<String> INLINE = java.util.Set.of(
      "localObjectReference", "volumeSource", "persistentVolumeSource", "handler", "ephemeralContainerCommon",
      "ingressRuleValue", "deviceConfiguration", "rule", "ruleWithOperations", "typeMeta");

  boolean inline() {
    return inline;
  }
}
