package io.regshift.kube.proto;

import com.google.protobuf.Descriptors.FieldDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Visits the strings of a protobuf message in the order, and at the field paths, that the
 * lossless decoder's tree ({@link ProtoDecoder}) holds them, without making the tree: a rule that
 * only looks for strings (--new-uids' uids) reads an object for a fraction of a decode's cost.
 *
 * <p>Where the tree would not hold what the wire says in wire order, the scan stops and returns
 * false, and the caller decodes instead: a field that comes again after other fields, or a second
 * time when it is not repeated (the tree keeps the last), a map key given twice, a map key that is
 * not ASCII, wire types the schema does not allow, bytes cut short, the JSON-schema unions of
 * apiextensions (stored as JSON anyway), and in managedFields' JSON (fieldsV1) anything but
 * objects of objects with printable ASCII keys, given once each.
 *
 * <p>A scan that returns true has read every byte as the decoder reads it, with the same checks
 * (wire types, lengths, varints, packed numbers), and stricter ones of its own: the value decodes.
 * A first pass that must know that an object can be rewritten learns it here for less than a decode.
 */
public final class StringScan {
  /** What the scan reports. Each method may return false to stop the scan (the caller decodes). */
  public interface Visitor {
    /** The object's type, from the envelope, before anything else. */
    default void object(String apiVersion, String kind) {}

    /** A top-level field of the object is on the wire. */
    default void topLevel(String field) {}

    /** A string value: a string field, list element or map value, an IntOrString's or Quantity's string. */
    boolean string(Path path, byte[] buf, int off, int len);

    /**
     * JSON the decoder parses into the tree but the scan passes over (a RawExtension's raw bytes,
     * {@code buf[off, off + len)}); false stops the scan.
     */
    default boolean opaqueJson(byte[] buf, int off, int len) {
      return true;
    }

    /** The key of a map field's entry ({@code path} is the map's). */
    boolean mapKey(Path path, byte[] buf, int off, int len);

    /**
     * Whether to read the managedFields JSON {@code buf[off, off + len)} (fieldsV1) for its keys;
     * false passes over it, true reads it (and the scan stops where it is not objects of objects).
     */
    default boolean readsFieldsV1(byte[] buf, int off, int len) {
      return true;
    }

    /**
     * A key of an object in managedFields' JSON ({@code path} is the object's; the bytes between
     * the quotes, escapes as written), called for all keys of an object, in order, after
     * everything below the object was visited, as the tree walk renames keys.
     */
    boolean jsonKey(Path path, byte[] buf, int off, int len);
  }

  /** Visits nothing: a scan with it only says whether the bytes are what the decoder reads. */
  public static final Visitor NOTHING = new Visitor() {
    @Override
    public boolean string(Path path, byte[] buf, int off, int len) {
      return true;
    }

    @Override
    public boolean mapKey(Path path, byte[] buf, int off, int len) {
      return true;
    }

    @Override
    public boolean jsonKey(Path path, byte[] buf, int off, int len) {
      return true;
    }

    @Override
    public boolean readsFieldsV1(byte[] buf, int off, int len) {
      return false;
    }
  };

  /** The field path of a visited value, as segments: a field or key, or a list index. */
  public static final class Path {
    private static final byte FIELD = 0;
    private static final byte INDEX = 1;
    private static final byte PROTO_KEY = 2;
    private static final byte JSON_KEY = 3;
    private byte[] kinds = new byte[32];
    private String[] names = new String[32];
    private int[] from = new int[32];
    private int[] lengths = new int[32];
    private byte[] buf;
    private int depth;
    /** Where the content of each enclosing message starts, outermost (the object) first. */
    private int[] messages = new int[16];
    private int messageDepth;
    private int fieldStart = -1;

    public int depth() {
      return depth;
    }

    /** Segment {@code i} as the tree's key, or null when it is a list index. */
    public String key(int i) {
      return switch (kinds[i]) {
        case FIELD -> names[i];
        case PROTO_KEY -> new String(buf, from[i], lengths[i], StandardCharsets.UTF_8);
        case JSON_KEY -> jsonKey(buf, from[i], lengths[i]);
        default -> null;
      };
    }

    /** Segment {@code i}'s list index (when {@link #key} is null). */
    public int index(int i) {
      return from[i];
    }

    /** How many messages enclose the visited value on the wire, the object's own included. */
    public int messages() {
      return messageDepth;
    }

    /**
     * Where the content of enclosing message {@code i} (0: the object) starts in the bytes: its
     * length prefix ends there.
     */
    public int messageStart(int i) {
      return messages[i];
    }

    /**
     * Where the visited string's field starts in the bytes (its tag), for a string field or list
     * element of a message; -1 for a map value and the string inside an IntOrString or Quantity.
     */
    public int fieldStart() {
      return fieldStart;
    }

    /** The field name the last segment is, or null when it is an index or a map key. */
    public String field() {
      return depth > 0 && kinds[depth - 1] == FIELD ? names[depth - 1] : null;
    }

    private void push(byte kind, String name, int off, int len) {
      if (depth == kinds.length) {
        kinds = Arrays.copyOf(kinds, depth * 2);
        names = Arrays.copyOf(names, depth * 2);
        from = Arrays.copyOf(from, depth * 2);
        lengths = Arrays.copyOf(lengths, depth * 2);
      }
      kinds[depth] = kind;
      names[depth] = name;
      from[depth] = off;
      lengths[depth] = len;
      depth++;
    }

    private void pop() {
      depth--;
    }

    private void enter(int contentStart) {
      if (messageDepth == messages.length) {
        messages = Arrays.copyOf(messages, messageDepth * 2);
      }
      messages[messageDepth++] = contentStart;
    }

    private void leave() {
      messageDepth--;
    }
  }

  /** The text of a fieldsV1 key as the scan accepted it: escapes are only \" and \\. */
  public static String jsonKey(byte[] buf, int off, int len) {
    StringBuilder b = new StringBuilder(len);
    for (int i = off; i < off + len; i++) {
      char c = (char) buf[i];
      if (c == '\\') {
        c = (char) buf[++i];
      }
      b.append(c);
    }
    return b.toString();
  }

  private static final String FIELDS_V1 = "k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1";
  /** Deeper JSON than this is left to the decoder (fieldsV1 is a dozen levels at most). */
  private static final int MAX_JSON_DEPTH = 256;

  private final byte[] buf;
  private final Visitor visitor;
  private final Path path = new Path();
  /** Keys of the open maps and JSON objects, to find one given twice: offsets, lengths, hashes. */
  private int[] keyOff = new int[64];
  private int[] keyLen = new int[64];
  private int[] keyHash = new int[64];
  private int keys;

  private StringScan(byte[] buf, Visitor visitor) {
    this.buf = buf;
    this.visitor = visitor;
    path.buf = buf;
  }

  /**
   * Scans the message {@code buf[off, off + len)} of type {@code layout}; false when the scan
   * stopped (the visitor said so, or the bytes are not what the tree would hold in wire order).
   */
  static boolean scan(MessageLayout layout, byte[] buf, int off, int len, Visitor visitor) {
    try {
      StringScan scan = new StringScan(buf, visitor);
      scan.path.enter(off);
      return scan.message(layout, off, off + len, true);
    } catch (ProtoException | IndexOutOfBoundsException malformed) {
      return false; // the decoder reports it
    }
  }

  private boolean message(MessageLayout layout, int off, int end, boolean top) {
    WireReader r = new WireReader(buf, off, end);
    long seenLow = 0;
    long seenHigh = 0;
    int last = -1;
    int index = 0;
    int mapKeys = -1; // where the current map field's keys start in the key stack
    while (!r.atEnd()) {
      int tagAt = r.pos;
      long tag = r.varint();
      int number = (int) (tag >>> 3);
      int wireType = (int) (tag & 7);
      if (number <= 0) {
        return false;
      }
      FieldLayout f = layout.field(number);
      if (f == null) {
        r.skip(wireType); // kept as base64 text in the tree: no string of interest
        continue;
      }
      if (wireType != f.wireType() && !(wireType == 2 && f.repeated)) {
        return false;
      }
      if (number != last) {
        if (mapKeys >= 0 && !closeKeys(mapKeys)) {
          return false;
        }
        mapKeys = -1;
        if (number >= 128) {
          return false;
        }
        long bit = 1L << (number & 63);
        if (((number < 64 ? seenLow : seenHigh) & bit) != 0) {
          return false; // again after other fields: the tree groups it with its first occurrence
        }
        if (number < 64) {
          seenLow |= bit;
        } else {
          seenHigh |= bit;
        }
        last = number;
        index = 0;
        if (top) {
          visitor.topLevel(f.jsonName);
        }
      } else if (!f.repeated) {
        return false; // a second value: the tree keeps only the last
      }
      if (f.map) {
        int entryEnd = r.delimitedEnd();
        if (mapKeys < 0) {
          mapKeys = keys;
        }
        path.push(Path.FIELD, f.jsonName, 0, 0);
        path.enter(r.pos);
        boolean ok = mapEntry(f, r.pos, entryEnd);
        path.leave();
        path.pop();
        if (!ok) {
          return false;
        }
        r.pos = entryEnd;
      } else if (f.repeated) {
        if (wireType == 2 && f.wireType() != 2) {
          int packedEnd = r.delimitedEnd(); // packed numbers, read as the decoder reads them
          WireReader p = new WireReader(buf, r.pos, packedEnd);
          while (!p.atEnd()) {
            p.skip(f.wireType());
          }
          r.pos = packedEnd;
          continue;
        }
        path.push(Path.FIELD, f.jsonName, 0, 0);
        path.push(Path.INDEX, null, index++, 0);
        boolean ok = value(f, r, tagAt);
        path.pop();
        path.pop();
        if (!ok) {
          return false;
        }
      } else if (f.inline()) {
        int e = r.delimitedEnd();
        path.enter(r.pos);
        boolean ok = message(f.message(), r.pos, e, false); // its fields are the parent's
        path.leave();
        if (!ok) {
          return false;
        }
        r.pos = e;
      } else {
        path.push(Path.FIELD, f.jsonName, 0, 0);
        boolean ok = value(f, r, tagAt);
        path.pop();
        if (!ok) {
          return false;
        }
      }
    }
    return mapKeys < 0 || closeKeys(mapKeys);
  }

  /** One entry of a map field: key (1) and value (2), each at most once, with the wire types the schema gives. */
  private boolean mapEntry(FieldLayout f, int off, int end) {
    MessageLayout entry = f.message();
    FieldLayout keyField = entry.field(1);
    FieldLayout valueField = entry.field(2);
    WireReader r = new WireReader(buf, off, end);
    int keyStart = -1;
    int keyEnd = -1;
    int valueStart = -1;
    int valueEnd = -1;
    while (!r.atEnd()) {
      long tag = r.varint();
      int number = (int) (tag >>> 3);
      int wireType = (int) (tag & 7);
      if (number == 1 && keyField != null) {
        if (keyStart >= 0 || keyField.type != FieldDescriptor.Type.STRING || wireType != 2) {
          return false;
        }
        keyEnd = r.delimitedEnd();
        keyStart = r.pos;
        r.pos = keyEnd;
      } else if (number == 2 && valueField != null) {
        if (valueStart >= 0 || wireType != valueField.wireType()) {
          return false;
        }
        valueStart = r.pos;
        r.skip(wireType);
        valueEnd = r.pos;
      } else {
        r.skip(wireType);
      }
    }
    if (keyStart < 0) {
      keyStart = keyEnd = off; // no key on the wire: the empty key
    }
    for (int i = keyStart; i < keyEnd; i++) {
      if (buf[i] < 0x20) { // bytes over 0x7f are negative: a key must be printable ASCII
        return false;
      }
    }
    if (!visitor.mapKey(path, buf, keyStart, keyEnd - keyStart)) {
      return false;
    }
    pushKey(keyStart, keyEnd - keyStart);
    if (valueStart < 0) {
      return true; // the zero value: no string
    }
    path.push(Path.PROTO_KEY, null, keyStart, keyEnd - keyStart);
    WireReader v = new WireReader(buf, valueStart, valueEnd);
    boolean ok = value(valueField, v, -1);
    path.pop();
    return ok;
  }

  /** One value of field {@code f} at the reader, at the current path; {@code tagAt} where its field starts (-1: unknown). */
  private boolean value(FieldLayout f, WireReader r, int tagAt) {
    switch (f.type) {
      case STRING: {
        int end = r.delimitedEnd();
        path.fieldStart = tagAt;
        boolean ok = visitor.string(path, buf, r.pos, end - r.pos);
        path.fieldStart = -1;
        r.pos = end;
        return ok;
      }
      case MESSAGE: {
        int end = r.delimitedEnd();
        path.enter(r.pos);
        boolean ok = special(f.message(), r.pos, end);
        path.leave();
        r.pos = end;
        return ok;
      }
      case GROUP:
        return false; // the decoder has no such type either
      default:
        r.skip(f.wireType());
        return true;
    }
  }

  /** A nested message, by the form the decoder gives it. */
  private boolean special(MessageLayout m, int off, int end) {
    switch (m.special) {
      case NONE:
        return message(m, off, end, false);
      case TIME:
      case MICRO_TIME:
      case DURATION:
        return wellFormed(off, end); // numbers only
      case QUANTITY:
      case INT_OR_STRING:
        return scalarString(m.special, off, end);
      case RAW_JSON: {
        int[] raw = WireReader.lastDelimited(buf, off, end, 1);
        if (raw == null) {
          return true;
        }
        if (!m.name().equals(FIELDS_V1)) {
          return visitor.opaqueJson(buf, raw[0], raw[1] - raw[0]); // RawExtension and the like: passed over
        }
        if (!visitor.readsFieldsV1(buf, raw[0], raw[1] - raw[0])) {
          return true; // nothing in it for this visitor (and embedded JSON never fails a decode)
        }
        return jsonDocument(raw[0], raw[1]) == raw[1];
      }
      case ITEMS_LIST: {
        // a named string slice: the tree holds the list itself
        WireReader r = new WireReader(buf, off, end);
        FieldLayout items = m.field(1);
        int index = 0;
        while (!r.atEnd()) {
          long tag = r.varint();
          int wireType = (int) (tag & 7);
          if ((tag >>> 3) == 1 && items.type == FieldDescriptor.Type.STRING && wireType == 2) {
            path.push(Path.INDEX, null, index++, 0);
            int e = r.delimitedEnd();
            boolean ok = visitor.string(path, buf, r.pos, e - r.pos);
            path.pop();
            if (!ok) {
              return false;
            }
            r.pos = e;
          } else if ((tag >>> 3) == 1) {
            return false; // not a string list: left to the decoder
          } else {
            r.skip(wireType);
          }
        }
        return true;
      }
      default:
        return false; // the JSON-schema unions
    }
  }

  /**
   * Quantity's string (field 1), or IntOrString's string (field 3 when its type, field 1, is 1),
   * each the last on the wire as the decoder takes it; false when field 1 comes twice.
   */
  private boolean scalarString(SpecialType type, int off, int end) {
    WireReader r = new WireReader(buf, off, end);
    long intOrStringType = 0;
    int from = -1;
    int to = -1;
    boolean first = false;
    while (!r.atEnd()) {
      long tag = r.varint();
      int number = (int) (tag >>> 3);
      int wireType = (int) (tag & 7);
      if (type == SpecialType.QUANTITY && number == 1) {
        if (first || wireType != 2) {
          return false;
        }
        first = true;
        to = r.delimitedEnd();
        from = r.pos;
        r.pos = to;
      } else if (type == SpecialType.INT_OR_STRING && number == 1 && wireType == 0) {
        intOrStringType = r.varint();
      } else if (type == SpecialType.INT_OR_STRING && number == 3 && wireType == 2) {
        to = r.delimitedEnd();
        from = r.pos;
        r.pos = to;
      } else {
        r.skip(wireType);
      }
    }
    if (from < 0 || type == SpecialType.INT_OR_STRING && intOrStringType != 1) {
      return true;
    }
    return visitor.string(path, buf, from, to - from);
  }

  private boolean wellFormed(int off, int end) {
    WireReader r = new WireReader(buf, off, end);
    while (!r.atEnd()) {
      r.skip((int) (r.varint() & 7));
    }
    return true;
  }

  // managedFields' JSON: objects of objects, as kube-apiserver writes fieldsV1. Positions are
  // passed and returned (-1: stop), not kept in fields, so that the loops run in registers.

  /** The end of the JSON value {@code buf[from, end)} when it is one object, else -1. */
  private int jsonDocument(int from, int end) {
    int p = jsonObject(whitespace(from, end), end, 0);
    return p < 0 ? -1 : whitespace(p, end);
  }

  private int jsonObject(int p, int end, int depth) {
    if (depth > MAX_JSON_DEPTH || p >= end || buf[p] != '{') {
      return -1;
    }
    p = whitespace(p + 1, end);
    if (p < end && buf[p] == '}') {
      return p + 1;
    }
    int objectKeys = keys;
    while (true) {
      if (p >= end || buf[p] != '"') {
        return -1;
      }
      int keyStart = ++p;
      int hash = 0;
      byte b;
      while (p < end && (b = buf[p]) != '"') {
        if (b == '\\') {
          if (p + 1 >= end || buf[p + 1] != '"' && buf[p + 1] != '\\') {
            return -1;
          }
          hash = hash * 31 + b;
          b = buf[++p];
        } else if (b < 0x20 || b == 0x7f) { // control characters, and every byte over 0x7f (negative)
          return -1;
        }
        hash = hash * 31 + b;
        p++;
      }
      if (p >= end) {
        return -1;
      }
      int keyLength = p - keyStart;
      p = whitespace(p + 1, end);
      if (p >= end || buf[p] != ':') {
        return -1;
      }
      path.push(Path.JSON_KEY, null, keyStart, keyLength);
      p = jsonObject(whitespace(p + 1, end), end, depth + 1);
      path.pop();
      if (p < 0) {
        return -1;
      }
      pushKey(keyStart, keyLength, hash);
      p = whitespace(p, end);
      if (p >= end) {
        return -1;
      }
      if (buf[p] == '}') {
        p++;
        break;
      }
      if (buf[p] != ',') {
        return -1;
      }
      p = whitespace(p + 1, end);
    }
    for (int i = objectKeys; i < keys; i++) {
      if (!visitor.jsonKey(path, buf, keyOff[i], keyLen[i])) {
        return -1;
      }
    }
    return closeKeys(objectKeys) ? p : -1;
  }

  private int whitespace(int p, int end) {
    while (p < end) {
      byte b = buf[p];
      if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
        return p;
      }
      p++;
    }
    return p;
  }

  // keys of one map or JSON object, checked for one given twice when it closes

  private void pushKey(int off, int len) {
    int hash = 0;
    for (int i = off; i < off + len; i++) {
      hash = hash * 31 + buf[i];
    }
    pushKey(off, len, hash);
  }

  private void pushKey(int off, int len, int hash) {
    if (keys == keyOff.length) {
      keyOff = Arrays.copyOf(keyOff, keys * 2);
      keyLen = Arrays.copyOf(keyLen, keys * 2);
      keyHash = Arrays.copyOf(keyHash, keys * 2);
    }
    keyOff[keys] = off;
    keyLen[keys] = len;
    keyHash[keys] = hash;
    keys++;
  }

  /** Drops the keys from {@code start} on; false when two of them are equal. */
  private boolean closeKeys(int start) {
    int n = keys - start;
    boolean distinct = true;
    if (n > 1) {
      if (n <= 32) {
        for (int i = start; i < keys && distinct; i++) {
          for (int j = i + 1; j < keys; j++) {
            if (sameKey(i, j)) {
              distinct = false;
              break;
            }
          }
        }
      } else {
        long[] byHash = new long[n];
        for (int i = 0; i < n; i++) {
          byHash[i] = (long) keyHash[start + i] << 32 | (start + i);
        }
        Arrays.sort(byHash);
        for (int i = 1; i < n && distinct; i++) {
          for (int j = i - 1; j >= 0 && (byHash[j] >>> 32) == (byHash[i] >>> 32); j--) {
            if (sameKey((int) byHash[i], (int) byHash[j])) {
              distinct = false;
              break;
            }
          }
        }
      }
    }
    keys = start;
    return distinct;
  }

  private boolean sameKey(int i, int j) {
    return keyHash[i] == keyHash[j] && keyLen[i] == keyLen[j]
        && Arrays.equals(buf, keyOff[i], keyOff[i] + keyLen[i], buf, keyOff[j], keyOff[j] + keyLen[j]);
  }
}
