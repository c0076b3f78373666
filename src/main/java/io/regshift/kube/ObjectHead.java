package io.regshift.kube;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What selection and rewrite rules ask of an object before (or instead of) decoding it: its
 * identity, labels, owners and, for a Secret, its type. Read straight from the stored bytes:
 * for protobuf only the envelope, ObjectMeta's few fields and Secret.type are visited, no schema
 * is involved; JSON and CBOR values (custom resources, CRDs, APIServices) are parsed whole.
 *
 * @param apiVersion      from the envelope or the object; "" when absent
 * @param kind            from the envelope or the object; "" when absent
 * @param name            metadata.name, "" when absent
 * @param namespace       metadata.namespace, "" when absent (cluster-scoped)
 * @param uid             metadata.uid, "" when absent
 * @param labels          metadata.labels, in stored order (empty when none)
 * @param ownerReferences metadata.ownerReferences, in stored order
 * @param secretType      a Secret's type ("" when unset, which the apiserver reads as Opaque); null for other kinds
 */
public record ObjectHead(String apiVersion, String kind, String name, String namespace, String uid,
    Map<String, String> labels, List<OwnerReference> ownerReferences, String secretType) {

  /**
   * One metadata.ownerReferences entry.
   *
   * @param controller true when this owner is the object's managing controller
   */
  public record OwnerReference(String apiVersion, String kind, String name, String uid, boolean controller) {}

  public ObjectHead {
    labels = Collections.unmodifiableMap(labels);
    ownerReferences = List.copyOf(ownerReferences);
  }

  /** The owner that manages this object (controller: true), or null. */
  public OwnerReference controllerReference() {
    for (OwnerReference r : ownerReferences) {
      if (r.controller()) {
        return r;
      }
    }
    return null;
  }

  /**
   * Reads the head of a plaintext stored value (protobuf envelope, JSON or CBOR).
   *
   * @throws IllegalArgumentException saying why the bytes hold no readable object (encrypted,
   *                                  truncated, not an object)
   */
  public static ObjectHead read(byte[] value) {
    return switch (Encoding.sniff(value)) {
      case PROTOBUF -> fromProtobuf(value);
      case JSON -> fromTree(Json.parse(value));
      case CBOR -> fromTree(Cbor.decode(value));
      case ENCRYPTED -> throw new IllegalArgumentException("the value is encrypted at rest");
      case RAW -> throw new IllegalArgumentException(value.length == 0 ? "empty value"
          : "not a Kubernetes object: the value is neither protobuf (k8s\\0), JSON, CBOR nor encrypted");
    };
  }

  /**
   * Reads the head of a stored value, decrypting it first when it is encrypted at rest and the
   * codec has the encryption configuration.
   *
   * @throws IllegalArgumentException as {@link #read}, or saying why decryption failed
   */
  public static ObjectHead read(String etcdKey, byte[] value, ValueCodec codec) {
    return read(codec.plaintext(etcdKey, value));
  }

  // ---- protobuf: envelope field 2 = the object; object field 1 = ObjectMeta ----

  private static final int META = 1;
  private static final int SECRET_TYPE = 3;

  private static ObjectHead fromProtobuf(byte[] value) {
    Envelope env = Envelope.parse(value);
    boolean secret = env.kind().equals("Secret") && ResourceInfo.groupOf(env.apiVersion()).isEmpty();
    Meta meta = new Meta();
    String secretType = secret ? "" : null;
    Wire object = new Wire(value, env.rawOffset(), env.rawOffset() + env.rawLength());
    while (object.more()) {
      int tag = object.tag();
      if (tag == (META << 3 | 2)) {
        meta.read(object.sub());
      } else if (secret && tag == (SECRET_TYPE << 3 | 2)) {
        secretType = object.string();
      } else {
        object.skip(tag);
      }
    }
    return new ObjectHead(env.apiVersion(), env.kind(), meta.name, meta.namespace, meta.uid, meta.labels,
        meta.owners, secretType);
  }

  /** ObjectMeta: name 1, namespace 3, uid 5, labels 11 (entries key 1 / value 2), ownerReferences 13. */
  private static final class Meta {
    String name = "";
    String namespace = "";
    String uid = "";
    final Map<String, String> labels = new LinkedHashMap<>();
    final List<OwnerReference> owners = new ArrayList<>();

    void read(Wire w) {
      while (w.more()) {
        int tag = w.tag();
        switch (tag) {
          case 1 << 3 | 2 -> name = w.string();
          case 3 << 3 | 2 -> namespace = w.string();
          case 5 << 3 | 2 -> uid = w.string();
          case 11 << 3 | 2 -> label(w.sub());
          case 13 << 3 | 2 -> owners.add(owner(w.sub()));
          default -> w.skip(tag);
        }
      }
    }

    private void label(Wire e) {
      String key = "";
      String value = "";
      while (e.more()) {
        int tag = e.tag();
        switch (tag) {
          case 1 << 3 | 2 -> key = e.string();
          case 2 << 3 | 2 -> value = e.string();
          default -> e.skip(tag);
        }
      }
      labels.put(key, value);
    }

    /** OwnerReference: kind 1, name 3, uid 4, apiVersion 5, controller 6, blockOwnerDeletion 7. */
    private static OwnerReference owner(Wire o) {
      String kind = "";
      String name = "";
      String uid = "";
      String apiVersion = "";
      boolean controller = false;
      while (o.more()) {
        int tag = o.tag();
        switch (tag) {
          case 1 << 3 | 2 -> kind = o.string();
          case 3 << 3 | 2 -> name = o.string();
          case 4 << 3 | 2 -> uid = o.string();
          case 5 << 3 | 2 -> apiVersion = o.string();
          case 6 << 3 -> controller = o.varint() != 0;
          default -> o.skip(tag);
        }
      }
      return new OwnerReference(apiVersion, kind, name, uid, controller);
    }
  }

  /** A bounds-checked walk over protobuf fields; anything malformed is an IllegalArgumentException. */
  private static final class Wire {
    private final byte[] b;
    private int pos;
    private final int end;

    Wire(byte[] b, int pos, int end) {
      this.b = b;
      this.pos = pos;
      this.end = end;
    }

    boolean more() {
      return pos < end;
    }

    int tag() {
      long t = varint();
      if (t >>> 3 == 0 || t > Integer.MAX_VALUE) {
        throw corrupt("bad field tag " + t);
      }
      return (int) t;
    }

    long varint() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= end) {
          throw corrupt("truncated varint");
        }
        byte x = b[pos++];
        v |= (long) (x & 0x7f) << shift;
        if (x >= 0) {
          return v;
        }
      }
      throw corrupt("varint longer than 10 bytes");
    }

    private int length() {
      long len = varint();
      if (len < 0 || len > end - pos) {
        throw corrupt("a field of " + len + " bytes runs past its message (" + (end - pos) + " bytes left)");
      }
      return (int) len;
    }

    String string() {
      int len = length();
      String s = new String(b, pos, len, StandardCharsets.UTF_8);
      pos += len;
      return s;
    }

    Wire sub() {
      int len = length();
      Wire w = new Wire(b, pos, pos + len);
      pos += len;
      return w;
    }

    void skip(int tag) {
      switch (tag & 7) {
        case 0 -> varint();
        case 1 -> advance(8);
        case 2 -> advance(length());
        case 5 -> advance(4);
        default -> throw corrupt("unsupported wire type " + (tag & 7) + " for field " + (tag >>> 3));
      }
    }

    private void advance(int n) {
      if (n > end - pos) {
        throw corrupt("truncated field");
      }
      pos += n;
    }

    private IllegalArgumentException corrupt(String what) {
      return new IllegalArgumentException("corrupt protobuf object: " + what + " at byte " + pos);
    }
  }

  // ---- JSON and CBOR trees ----

  private static ObjectHead fromTree(Object tree) {
    if (!(tree instanceof Map<?, ?> obj)) {
      throw new IllegalArgumentException("the value is not an object");
    }
    String apiVersion = text(obj.get("apiVersion"));
    String kind = text(obj.get("kind"));
    Map<?, ?> meta = obj.get("metadata") instanceof Map<?, ?> m ? m : Map.of();
    Map<String, String> labels = new LinkedHashMap<>();
    if (meta.get("labels") instanceof Map<?, ?> l) {
      l.forEach((k, v) -> labels.put(String.valueOf(k), text(v)));
    }
    List<OwnerReference> owners = new ArrayList<>();
    if (meta.get("ownerReferences") instanceof List<?> refs) {
      for (Object r : refs) {
        if (r instanceof Map<?, ?> o) {
          owners.add(new OwnerReference(text(o.get("apiVersion")), text(o.get("kind")), text(o.get("name")),
              text(o.get("uid")), Boolean.TRUE.equals(o.get("controller"))));
        }
      }
    }
    String secretType = kind.equals("Secret") && ResourceInfo.groupOf(apiVersion).isEmpty() ? text(obj.get("type")) : null;
    return new ObjectHead(apiVersion, kind, text(meta.get("name")), text(meta.get("namespace")), text(meta.get("uid")),
        labels, owners, secretType);
  }

  private static String text(Object o) {
    return o instanceof String s ? s : o == null ? "" : String.valueOf(o);
  }
}
