package io.regshift.kube.proto;

import com.google.protobuf.Descriptors.FieldDescriptor.Type;
import io.regshift.kube.Json;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Encodes a JSON tree into the protobuf bytes kube-apiserver would store for it: fields in
 * ascending number order, map entries sorted by key, and Kubernetes' custom types written
 * exactly as their Go Marshal methods write them. A key the schema does not know is an error.
 */
final class ProtoEncoder {
  private static final int RAW_JSON_CAPACITY = 2048;

  private static final Comparator<String> GO_ORDER = io.regshift.kube.GoStrings::compare;

  byte[] message(MessageLayout layout, Map<String, Object> obj, String path) {
    WireWriter w = new WireWriter();
    writeMessage(w, layout, obj, path);
    return w.toByteArray();
  }

  private void writeMessage(WireWriter w, MessageLayout layout, Map<String, Object> obj, String path) {
    writeMessage(w, layout, obj, path, true);
  }

  private void writeMessage(WireWriter w, MessageLayout layout, Map<String, Object> obj, String path, boolean checkKeys) {
    for (String key : checkKeys ? obj.keySet() : java.util.Set.<String>of()) {
      if (!layout.knows(key) && !key.equals(ProtoDecoder.UNKNOWN_FIELDS)
          && !(path.isEmpty() && (key.equals("apiVersion") || key.equals("kind")))) {
        throw new IllegalArgumentException(join(path, key) + ": no such field in " + layout.name());
      }
    }
    List<byte[]> unknown = unknownFields(obj.get(ProtoDecoder.UNKNOWN_FIELDS), path);
    int u = 0;
    for (FieldLayout f : layout.ordered) {
      while (u < unknown.size() && fieldNumber(unknown.get(u)) < f.number) {
        byte[] raw = unknown.get(u++);
        w.raw(raw, 0, raw.length);
      }
      if (f.inline()) {
        WireWriter inner = new WireWriter(); // Go always writes an embedded struct
        writeMessage(inner, f.message(), obj, path, false);
        w.tag(f.number, 2);
        w.delimited(inner);
        continue;
      }
      if (!obj.containsKey(f.jsonName)) {
        if (f.alwaysWritten) {
          writeZero(w, f, join(path, f.jsonName)); // a Go value field: gogo writes it even when zero
        }
        continue;
      }
      writeField(w, f, obj.get(f.jsonName), join(path, f.jsonName));
    }
    while (u < unknown.size()) {
      byte[] raw = unknown.get(u++);
      w.raw(raw, 0, raw.length);
    }
  }

  private void writeField(WireWriter w, FieldLayout f, Object v, String path) {
    if (f.map) {
      if (v == null) {
        return;
      }
      Map<String, Object> m = asMap(v, path);
      List<String> keys = new ArrayList<>(m.keySet());
      keys.sort(GO_ORDER);
      MessageLayout entry = f.message();
      for (String k : keys) {
        WireWriter e = new WireWriter();
        writeValue(e, entry.field(1), mapKey(entry.field(1), k, path), path);
        writeValue(e, entry.field(2), m.get(k), path + "[" + k + "]");
        w.tag(f.number, 2);
        w.delimited(e);
      }
    } else if (f.repeated) {
      if (v == null) {
        return;
      }
      if (!(v instanceof List<?> list)) {
        throw new IllegalArgumentException(path + ": expected an array");
      }
      for (int i = 0; i < list.size(); i++) {
        writeValue(w, f, list.get(i), path + "[" + i + "]");
      }
    } else {
      if (v == null && !(f.type == Type.MESSAGE && nullIsZero(f.message().special))) {
        return; // a nil pointer: Go writes nothing
      }
      writeValue(w, f, v, path);
    }
  }

  private void writeZero(WireWriter w, FieldLayout f, String path) {
    Object zero = switch (f.type) {
      case STRING, BYTES -> "";
      case BOOL -> Boolean.FALSE;
      case DOUBLE, FLOAT -> 0.0;
      case MESSAGE -> null;
      default -> 0L;
    };
    if (f.type == Type.MESSAGE && !nullIsZero(f.message().special)) {
      zero = new java.util.LinkedHashMap<String, Object>();
    }
    writeValue(w, f, zero, path);
  }

  private static boolean nullIsZero(SpecialType s) {
    return s == SpecialType.TIME || s == SpecialType.MICRO_TIME;
  }

  private static Object mapKey(FieldLayout keyField, String k, String path) {
    return switch (keyField.type) {
      case STRING -> k;
      case BOOL -> Boolean.parseBoolean(k);
      default -> {
        try {
          yield Long.parseLong(k);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(path + ": map key \"" + k + "\" is not a number");
        }
      }
    };
  }

  /** One value with its tag. */
  private void writeValue(WireWriter w, FieldLayout f, Object v, String path) {
    switch (f.type) {
      case MESSAGE -> {
        WireWriter inner = new WireWriter();
        writeSpecial(inner, f.message(), v, path);
        w.tag(f.number, 2);
        w.delimited(inner);
      }
      case STRING -> {
        w.tag(f.number, 2);
        w.string(asString(v, path));
      }
      case BYTES -> {
        w.tag(f.number, 2);
        w.bytes(base64(v, path));
      }
      case BOOL -> {
        w.tag(f.number, 0);
        w.varint(asBool(v, path) ? 1 : 0);
      }
      case INT32, INT64, UINT32, UINT64, ENUM -> {
        w.tag(f.number, 0);
        w.varint(asLong(v, path));
      }
      case SINT32, SINT64 -> {
        long n = asLong(v, path);
        w.tag(f.number, 0);
        w.varint((n << 1) ^ (n >> 63));
      }
      case DOUBLE -> {
        w.tag(f.number, 1);
        w.fixed64(Double.doubleToRawLongBits(asDouble(v, path)));
      }
      case FLOAT -> {
        w.tag(f.number, 5);
        w.fixed32(Float.floatToRawIntBits((float) asDouble(v, path)));
      }
      case FIXED64, SFIXED64 -> {
        w.tag(f.number, 1);
        w.fixed64(asLong(v, path));
      }
      case FIXED32, SFIXED32 -> {
        w.tag(f.number, 5);
        w.fixed32((int) asLong(v, path));
      }
      default -> throw new IllegalArgumentException(path + ": unsupported field type " + f.type);
    }
  }

  /** The body of a nested message, in Kubernetes' custom form where it has one. */
  private void writeSpecial(WireWriter w, MessageLayout m, Object v, String path) {
    switch (m.special) {
      case NONE -> writeMessage(w, m, asMap(v, path), path);
      case TIME -> {
        if (v != null) { // Timestamp.Marshal writes both fields
          long[] t = GoTime.parseRfc3339(asString(v, path));
          w.tag(1, 0);
          w.varint(t[0]);
          w.tag(2, 0);
          w.varint(0);
        }
      }
      case MICRO_TIME -> {
        if (v != null) {
          long[] t = GoTime.parseRfc3339(asString(v, path));
          w.tag(1, 0);
          w.varint(t[0]);
          w.tag(2, 0);
          w.varint(t[1] / 1000 * 1000);
        }
      }
      case DURATION -> {
        w.tag(1, 0);
        w.varint(v instanceof Number n ? n.longValue() : GoTime.parseDuration(asString(v, path)));
      }
      case QUANTITY -> {
        w.tag(1, 2);
        w.string(v instanceof Number n ? Json.write(n) : asString(v, path));
      }
      case INT_OR_STRING -> {
        boolean isString = v instanceof String;
        w.tag(1, 0);
        w.varint(isString ? 1 : 0);
        w.tag(2, 0);
        w.varint(isString ? 0 : (int) asLong(v, path));
        w.tag(3, 2);
        w.string(isString ? (String) v : "");
      }
      case RAW_JSON -> {
        if (v != null) {
          w.tag(1, 2);
          StringBuilder json = new StringBuilder(RAW_JSON_CAPACITY); // managedFields' fieldsV1: a few KiB, grown less often
          Json.write(v, json);
          w.bytes(json.toString().getBytes(StandardCharsets.UTF_8));
        }
      }
      case SCHEMA_OR_BOOL -> {
        boolean isSchema = v instanceof Map;
        w.tag(1, 0);
        w.varint(isSchema || asBool(v, path) ? 1 : 0);
        if (isSchema) {
          writeValue(w, m.field(2), v, path);
        }
      }
      case SCHEMA_OR_ARRAY, SCHEMA_OR_STRING_ARRAY -> {
        if (v instanceof List<?>) {
          writeField(w, m.field(2), v, path);
        } else if (v != null) {
          writeValue(w, m.field(1), v, path);
        }
      }
      case ITEMS_LIST -> writeField(w, m.field(1), v, path);
      default -> throw new IllegalStateException(m.special.name());
    }
  }

  private static List<byte[]> unknownFields(Object v, String path) {
    List<byte[]> out = new ArrayList<>();
    if (v instanceof List<?> list) {
      for (Object o : list) {
        out.add(base64(o, join(path, ProtoDecoder.UNKNOWN_FIELDS)));
      }
      out.sort(Comparator.comparingLong(ProtoEncoder::fieldNumber));
    }
    return out;
  }

  private static long fieldNumber(byte[] rawField) {
    return new WireReader(rawField, 0, rawField.length).varint() >>> 3;
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object v, String path) {
    if (v instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    throw new IllegalArgumentException(path + ": expected an object, got " + describe(v));
  }

  private static String asString(Object v, String path) {
    if (v instanceof String s) {
      return s;
    }
    throw new IllegalArgumentException(path + ": expected a string, got " + describe(v));
  }

  private static boolean asBool(Object v, String path) {
    if (v instanceof Boolean b) {
      return b;
    }
    throw new IllegalArgumentException(path + ": expected a boolean, got " + describe(v));
  }

  private static long asLong(Object v, String path) {
    if (v instanceof Long l) {
      return l;
    }
    if (v instanceof BigInteger b && b.bitLength() <= 64) {
      return b.longValue();
    }
    if (v instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
      return d.longValue();
    }
    throw new IllegalArgumentException(path + ": expected an integer, got " + describe(v));
  }

  private static double asDouble(Object v, String path) {
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    throw new IllegalArgumentException(path + ": expected a number, got " + describe(v));
  }

  private static byte[] base64(Object v, String path) {
    try {
      return Base64.getDecoder().decode(asString(v, path));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(path + ": not base64: " + e.getMessage());
    }
  }

  private static String describe(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Map) {
      return "an object";
    }
    if (v instanceof List) {
      return "an array";
    }
    return v instanceof String ? "a string" : v.getClass().getSimpleName().toLowerCase();
  }

}
