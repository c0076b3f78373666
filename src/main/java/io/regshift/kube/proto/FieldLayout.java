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
  private final LayoutCache cache;
  private MessageLayout message;

  FieldLayout(FieldDescriptor descriptor, LayoutCache cache) {
    this.descriptor = descriptor;
    this.number = descriptor.getNumber();
    this.jsonName = jsonName(descriptor);
    this.type = descriptor.getType();
    this.repeated = descriptor.isRepeated();
    this.map = descriptor.isMapField();
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
    return name;
  }
}
