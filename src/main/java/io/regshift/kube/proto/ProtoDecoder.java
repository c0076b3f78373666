package io.regshift.kube.proto;

import io.regshift.kube.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes protobuf bytes into the JSON tree Kubernetes' JSON serializer would print for the
 * same object, driven by the message's descriptor (no generated classes, no DynamicMessage).
 *
 * <p>Scalars that gogo wrote with their zero value (Go non-pointer fields are always written)
 * are left out, as Go's {@code omitempty} leaves them out of JSON, unless {@code keepZero}:
 * then every field on the wire is in the tree and {@link ProtoEncoder} gives the same bytes back.
 * Fields the schema does not know are kept, as raw bytes, under {@link #UNKNOWN_FIELDS}.
 */
final class ProtoDecoder {
  /** Tree key holding fields a schema lacks: base64 of each field's bytes, tag included. */
  static final String UNKNOWN_FIELDS = "x-regshift-unknown-fields";

  private final boolean keepZero;
  private final Map<String, Integer> unknownByMessage;
  /** False for a check only: embedded JSON (managedFields' fieldsV1) is left as its bytes, unparsed. */
  private final boolean parseRawJson;

  /**
   * @param unknownByMessage if not null, counts the fields each message type had that its
   *     schema lacks (one decoder per value, so callers can warn without walking the tree again)
   */
  ProtoDecoder(boolean keepZero, Map<String, Integer> unknownByMessage) {
    this(keepZero, unknownByMessage, true);
  }

  ProtoDecoder(boolean keepZero, Map<String, Integer> unknownByMessage, boolean parseRawJson) {
    this.keepZero = keepZero;
    this.unknownByMessage = unknownByMessage;
    this.parseRawJson = parseRawJson;
  }

  Map<String, Object> message(MessageLayout layout, byte[] buf, int off, int end) {
    Map<String, Object> out = new LinkedHashMap<>();
    WireReader r = new WireReader(buf, off, end);
    List<Object> unknown = null;
    while (!r.atEnd()) {
      int tagStart = r.pos;
      long tag = r.varint();
      int number = (int) (tag >>> 3);
      int wireType = (int) (tag & 7);
      if (number <= 0) {
        throw new ProtoException("field number 0 at byte " + tagStart + " in " + layout.name());
      }
      FieldLayout f = layout.field(number);
      if (f != null && !compatible(f, wireType)) {
        // a newer schema never changes a field's type: these bytes are some other message
        throw new ProtoException("field " + f.jsonName + " (" + number + ") of " + layout.name() + " has wire type "
            + wireType + " at byte " + tagStart + ", the schema says " + f.type.name().toLowerCase()
            + ": the bytes are not a " + layout.descriptor.getName());
      }
      if (f == null) {
        r.skip(wireType);
        if (unknown == null) {
          unknown = new ArrayList<>();
        }
        if (unknownByMessage != null) {
          unknownByMessage.merge(layout.descriptor.getName(), 1, Integer::sum);
        }
        unknown.add(Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(buf, tagStart, r.pos)));
        continue;
      }
      if (f.map) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) out.computeIfAbsent(f.jsonName, k -> new LinkedHashMap<>());
        int entryEnd = r.delimitedEnd();
        mapEntry(f, buf, r.pos, entryEnd, m);
        r.pos = entryEnd;
      } else if (f.repeated) {
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) out.computeIfAbsent(f.jsonName, k -> new ArrayList<>());
        if (wireType == 2 && f.wireType() != 2) {
          int packedEnd = r.delimitedEnd(); // packed scalars
          WireReader p = new WireReader(buf, r.pos, packedEnd);
          while (!p.atEnd()) {
            list.add(scalar(f, p));
          }
          r.pos = packedEnd;
        } else {
          list.add(value(f, r));
        }
      } else if (f.inline()) {
        int e = r.delimitedEnd();
        out.putAll(message(f.message(), buf, r.pos, e)); // embedded struct: its fields are the parent's
        r.pos = e;
      } else {
        Object v = value(f, r);
        if (keepZero || f.type == com.google.protobuf.Descriptors.FieldDescriptor.Type.MESSAGE || !isZero(v)) {
          out.put(f.jsonName, v);
        } else {
          out.remove(f.jsonName); // last one wins, as in protobuf
        }
      }
    }
    if (unknown != null) {
      out.put(UNKNOWN_FIELDS, unknown);
    }
    return out;
  }

  private static boolean compatible(FieldLayout f, int wireType) {
    int expected = f.wireType();
    return wireType == expected || (wireType == 2 && f.repeated && expected != 2);
  }

  private static boolean isZero(Object v) {
    if (v instanceof String s) {
      return s.isEmpty();
    }
    if (v instanceof Long l) {
      return l == 0L;
    }
    if (v instanceof Boolean b) {
      return !b;
    }
    if (v instanceof Double d) {
      return d == 0.0;
    }
    return false;
  }

  private void mapEntry(FieldLayout f, byte[] buf, int off, int end, Map<String, Object> into) {
    MessageLayout entry = f.message();
    FieldLayout keyField = entry.field(1);
    FieldLayout valueField = entry.field(2);
    Object key = null;
    Object value = null;
    WireReader r = new WireReader(buf, off, end);
    while (!r.atEnd()) {
      long tag = r.varint();
      int number = (int) (tag >>> 3);
      if (number == 1 && keyField != null) {
        key = value(keyField, r);
      } else if (number == 2 && valueField != null) {
        value = value(valueField, r);
      } else {
        r.skip((int) (tag & 7));
      }
    }
    if (value == null && valueField != null) {
      value = zeroOf(valueField);
    }
    into.put(key == null ? "" : String.valueOf(key), value);
  }

  private Object zeroOf(FieldLayout f) {
    return switch (f.type) {
      case STRING -> "";
      case BYTES -> "";
      case BOOL -> Boolean.FALSE;
      case DOUBLE, FLOAT -> 0.0;
      case MESSAGE -> special(f.message(), new byte[0], 0, 0);
      default -> 0L;
    };
  }

  private Object value(FieldLayout f, WireReader r) {
    if (f.type == com.google.protobuf.Descriptors.FieldDescriptor.Type.MESSAGE) {
      int end = r.delimitedEnd();
      Object v = special(f.message(), r.buf, r.pos, end);
      r.pos = end;
      return v;
    }
    return scalar(f, r);
  }

  private static Object scalar(FieldLayout f, WireReader r) {
    switch (f.type) {
      case STRING: {
        int end = r.delimitedEnd();
        String s = new String(r.buf, r.pos, end - r.pos, StandardCharsets.UTF_8);
        r.pos = end;
        return s;
      }
      case BYTES: {
        int end = r.delimitedEnd();
        String s = Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(r.buf, r.pos, end));
        r.pos = end;
        return s;
      }
      case BOOL:
        return r.varint() != 0;
      case INT32:
      case ENUM:
        return (long) (int) r.varint();
      case INT64:
        return r.varint();
      case UINT32:
        return r.varint() & 0xffffffffL;
      case UINT64: {
        long v = r.varint();
        return v >= 0 ? (Object) v : new java.math.BigInteger(Long.toUnsignedString(v));
      }
      case SINT32:
      case SINT64: {
        long v = r.varint();
        return (v >>> 1) ^ -(v & 1);
      }
      case DOUBLE:
        return Double.longBitsToDouble(r.fixed64());
      case FLOAT:
        return (double) Float.intBitsToFloat(r.fixed32());
      case FIXED64:
      case SFIXED64:
        return r.fixed64();
      case FIXED32:
        return r.fixed32() & 0xffffffffL;
      case SFIXED32:
        return (long) r.fixed32();
      default:
        throw new ProtoException("unsupported field type " + f.type + " of " + f.descriptor.getFullName());
    }
  }

  /** A nested message: Kubernetes' custom JSON forms, or a plain object. */
  private Object special(MessageLayout m, byte[] buf, int off, int end) {
    switch (m.special) {
      case NONE:
        return message(m, buf, off, end);
      case TIME: {
        if (off == end) {
          return null; // the zero time: Go writes an empty message and prints null
        }
        return GoTime.rfc3339(longField(buf, off, end, 1));
      }
      case MICRO_TIME: {
        if (off == end) {
          return null;
        }
        return GoTime.rfc3339Micro(longField(buf, off, end, 1), (int) longField(buf, off, end, 2));
      }
      case DURATION:
        return GoTime.duration(longField(buf, off, end, 1));
      case QUANTITY: {
        Map<String, Object> q = message(m, buf, off, end);
        Object s = q.get("string");
        return s == null ? "0" : s;
      }
      case INT_OR_STRING: {
        if (longField(buf, off, end, 1) == 1) { // type 1: a string
          byte[] s = bytesField(buf, off, end, 3);
          return s == null ? "" : new String(s, StandardCharsets.UTF_8);
        }
        return (long) (int) longField(buf, off, end, 2);
      }
      case RAW_JSON: {
        byte[] raw = bytesField(buf, off, end, 1);
        if (raw == null) {
          return null;
        }
        if (!parseRawJson) {
          return raw; // text that is not JSON decodes too (below): parsing it cannot fail the value
        }
        try {
          return Json.parse(raw);
        } catch (IllegalArgumentException notJson) {
          Map<String, Object> marker = new LinkedHashMap<>();
          marker.put(io.regshift.kube.StoredValue.RAW_KEY, Base64.getEncoder().encodeToString(raw));
          return marker;
        }
      }
      case SCHEMA_OR_BOOL: {
        Map<String, Object> v = message(m, buf, off, end);
        Object schema = v.get(m.field(2).jsonName);
        return schema != null ? schema : Boolean.TRUE.equals(v.get(m.field(1).jsonName));
      }
      case SCHEMA_OR_ARRAY: {
        Map<String, Object> v = message(m, buf, off, end);
        Object list = v.get(m.field(2).jsonName);
        if (list != null) {
          return list;
        }
        return v.get(m.field(1).jsonName);
      }
      case SCHEMA_OR_STRING_ARRAY: {
        Map<String, Object> v = message(m, buf, off, end);
        Object list = v.get(m.field(2).jsonName);
        if (list != null) {
          return list;
        }
        return v.get(m.field(1).jsonName);
      }
      case ITEMS_LIST: {
        Object items = message(m, buf, off, end).get("items");
        return items == null ? new ArrayList<>() : items;
      }
      default:
        throw new IllegalStateException(m.special.name());
    }
  }

  /** The last value of a varint field, 0 when absent. */
  private static long longField(byte[] buf, int off, int end, int number) {
    WireReader r = new WireReader(buf, off, end);
    long v = 0;
    while (!r.atEnd()) {
      long tag = r.varint();
      int wt = (int) (tag & 7);
      if ((tag >>> 3) == number && wt == 0) {
        v = r.varint();
      } else {
        r.skip(wt);
      }
    }
    return v;
  }

  /** The last value of a bytes field, null when absent. */
  private static byte[] bytesField(byte[] buf, int off, int end, int number) {
    int[] range = WireReader.lastDelimited(buf, off, end, number);
    return range == null ? null : java.util.Arrays.copyOfRange(buf, range[0], range[1]);
  }

}
