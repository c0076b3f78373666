package io.regshift.kube.proto;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A message's fields indexed for decoding (by number) and encoding (in number order, as gogo writes). */
final class MessageLayout {
  final Descriptor descriptor;
  final SpecialType special;
  /** Fields in ascending number order. */
  final FieldLayout[] ordered;
  private final FieldLayout[] byNumber;
  private final Map<String, FieldLayout> byJsonName = new HashMap<>();

  MessageLayout(Descriptor descriptor, LayoutCache cache) {
    this.descriptor = descriptor;
    this.special = SpecialType.of(descriptor);
    List<FieldDescriptor> fields = descriptor.getFields().stream()
        .sorted((a, b) -> Integer.compare(a.getNumber(), b.getNumber())).toList();
    ordered = new FieldLayout[fields.size()];
    int max = fields.isEmpty() ? 0 : fields.get(fields.size() - 1).getNumber();
    byNumber = new FieldLayout[Math.min(max, 4096) + 1];
    for (int i = 0; i < ordered.length; i++) {
      FieldLayout f = new FieldLayout(fields.get(i), cache);
      ordered[i] = f;
      if (f.number < byNumber.length) {
        byNumber[f.number] = f;
      }
      byJsonName.put(f.jsonName, f);
    }
  }

  FieldLayout field(int number) {
    if (number < byNumber.length) {
      return byNumber[number];
    }
    for (FieldLayout f : ordered) {
      if (f.number == number) {
        return f;
      }
    }
    return null;
  }

  FieldLayout field(String jsonName) {
    return byJsonName.get(jsonName);
  }

  /** Whether a JSON key belongs to this message, its own or an inline embedded struct's. */
  boolean knows(String jsonName) {
    if (byJsonName.containsKey(jsonName)) {
      return true;
    }
    for (FieldLayout f : ordered) {
      if (f.inline() && f.message().knows(jsonName)) {
        return true;
      }
    }
    return false;
  }

  String name() {
    return descriptor.getFullName();
  }
}
