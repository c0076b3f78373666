package io.regshift.kube;

import com.google.protobuf.Descriptors.Descriptor;
import io.regshift.crypto.DecryptionException;
import io.regshift.crypto.EncryptedValue;
import io.regshift.crypto.ValueDecryptor;
import io.regshift.kube.proto.ProtoCodec;
import io.regshift.kube.proto.StringScan;
import io.regshift.kube.proto.ProtoException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Stored value bytes ↔ Kubernetes objects, for every form a /registry value can take. */
public final class ValueCodec {
  private static volatile ValueCodec builtin;
  /** The schemas; null for the built-in ones, loaded on first use (a copy that decodes nothing never loads them). */
  private final ProtoCodec proto;
  private final ValueDecryptor decryptor;
  /** False in the copy {@link #check} decodes with: embedded JSON is not parsed. */
  private final boolean parseRawJson;

  public ValueCodec(ProtoCodec proto) {
    this(proto, null);
  }

  private ValueCodec(ProtoCodec proto, ValueDecryptor decryptor) {
    this(proto, decryptor, true);
  }

  private ValueCodec(ProtoCodec proto, ValueDecryptor decryptor, boolean parseRawJson) {
    this.proto = proto;
    this.decryptor = decryptor;
    this.parseRawJson = parseRawJson;
  }

  /**
   * This codec, decrypting values encrypted at rest before decoding them (their etcd key must
   * then be given to {@link #decode(String, byte[], boolean)}). Without one, encrypted values are
   * reported with their provider and key and an error saying decryption needs the configuration.
   */
  public ValueCodec withDecryptor(ValueDecryptor decryptor) {
    return new ValueCodec(proto, decryptor);
  }

  /** True when encrypted values are decrypted. */
  public boolean decrypts() {
    return decryptor != null;
  }

  public static ValueCodec builtin() {
    ValueCodec c = builtin;
    if (c == null) {
      synchronized (ValueCodec.class) {
        if (builtin == null) {
          builtin = new ValueCodec(null, null);
        }
        c = builtin;
      }
    }
    return c;
  }

  public ProtoCodec proto() {
    return proto != null ? proto : ProtoCodec.builtin();
  }

  /**
   * Whether {@link #decode(String, byte[], boolean)} of the value succeeds, and why not, for less
   * work: the returned value's object has embedded JSON (managedFields' fieldsV1, which cannot
   * make a value fail) as unparsed bytes, so it is for its {@code ok()} and {@code error()}, not
   * for showing or encoding. Never throws.
   */
  public StoredValue check(String etcdKey, byte[] value) {
    return new ValueCodec(proto, decryptor, false).decode(etcdKey, value, false);
  }

  /** Decodes for display (as kubectl shows objects). Never throws. */
  public StoredValue decode(byte[] value) {
    return decode(null, value, false);
  }

  /** Decodes a value whose etcd key is not known (encrypted values are then not decrypted). Never throws. */
  public StoredValue decode(byte[] value, boolean lossless) {
    return decode(null, value, lossless);
  }

  /**
   * Decodes a stored value. Never throws: failures come back as a StoredValue with an error.
   *
   * @param etcdKey  the key the value is stored under, or null: a value encrypted at rest is
   *                 decrypted with it (it picks the providers, and aesgcm and KMS authenticate it)
   * @param lossless keep the zero values Go wrote, so that {@link #encode} restores the bytes
   */
  public StoredValue decode(String etcdKey, byte[] value, boolean lossless) {
    if (decryptor != null && Encoding.sniff(value) == Encoding.ENCRYPTED) {
      return decrypted(etcdKey, value, lossless);
    }
    return decodePlain(value, lossless);
  }

  /**
   * The stored value as plaintext: decrypted when it is encrypted at rest, else itself.
   *
   * @throws IllegalArgumentException when it is encrypted and this codec has no decryptor, or
   *                                  decryption fails (the message says which)
   */
  public byte[] plaintext(String etcdKey, byte[] value) {
    if (Encoding.sniff(value) != Encoding.ENCRYPTED) {
      return value;
    }
    String what = EncryptedValue.parse(value).map(EncryptedValue::describe).orElse("malformed encryption prefix");
    if (decryptor == null) {
      throw new IllegalArgumentException(what + "; reading it needs the encryption config (--encryption-config)");
    }
    try {
      return decryptor.decrypt(etcdKey, value);
    } catch (DecryptionException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** Decrypts, then decodes the plaintext; the result keeps the prefix and the stored size. */
  private StoredValue decrypted(String etcdKey, byte[] value, boolean lossless) {
    EncryptedValue prefix = EncryptedValue.parse(value).orElseThrow();
    byte[] plain;
    try {
      plain = decryptor.decrypt(etcdKey, value);
    } catch (DecryptionException e) {
      return encrypted(value, e.getMessage());
    }
    if (Encoding.sniff(plain) == Encoding.ENCRYPTED) {
      return encrypted(value, prefix.describe() + ": decrypts to another encrypted value");
    }
    StoredValue inner = decodePlain(plain, lossless);
    if (!inner.ok()) {
      // aescbc has no MAC: a wrong key can pass the padding check and give garbage
      String hint = inner.encoding() == Encoding.RAW && "aescbc".equals(prefix.provider())
          ? " (a wrong key? aescbc has no integrity check)" : "";
      return encrypted(value, prefix.describe() + ": decrypted, but " + inner.error() + hint);
    }
    return new StoredValue(inner.encoding(), inner.apiVersion(), inner.kind(), inner.object(), null, inner.warnings(),
        prefix, value.length);
  }

  private StoredValue decodePlain(byte[] value, boolean lossless) {
    Encoding enc = Encoding.sniff(value);
    List<String> warnings = new ArrayList<>();
    try {
      switch (enc) {
        case PROTOBUF:
          return decodeProtobuf(value, lossless, warnings);
        case JSON:
          return fromTree(enc, Json.parse(value), value.length, warnings);
        case CBOR:
          return fromTree(enc, Cbor.decode(value), value.length, warnings);
        case ENCRYPTED:
          return encrypted(value, null);
        default:
          return failed(enc, value, null, null, value.length == 0 ? "empty value" : "not a Kubernetes object: the value is neither protobuf (k8s\\0), JSON, CBOR nor encrypted", warnings);
      }
    } catch (RuntimeException e) {
      // every decoder reports bad bytes as an exception; the value is kept, the cause reported
      return failed(enc, value, null, null, message(e), warnings);
    }
  }

  private StoredValue decodeProtobuf(byte[] value, boolean lossless, List<String> warnings) {
    Envelope env;
    try {
      env = Envelope.parse(value);
    } catch (IllegalArgumentException e) {
      return failed(Encoding.PROTOBUF, value, null, null, e.getMessage(), warnings);
    }
    Optional<Descriptor> type = proto().schemaFor(env.apiVersion(), env.kind());
    if (env.kind().isEmpty()) {
      warnings.add("the envelope names no kind (a WatchEvent or similar, never a stored object)");
    }
    Map<String, Object> body;
    Map<String, Integer> unknown = new java.util.TreeMap<>();
    try {
      if (type.isPresent()) {
        body = proto().decode(type.get(), value, env.rawOffset(), env.rawLength(), lossless, unknown, parseRawJson);
      } else {
        warnings.add("no schema for " + env.apiVersion() + " " + env.kind() + ": fields other than metadata are shown by number");
        body = proto().decodeSchemaless(value, env.rawOffset(), env.rawLength());
        body.put(StoredValue.SCHEMALESS_KEY, true);
      }
    } catch (ProtoException e) {
      return failed(Encoding.PROTOBUF, value, env.apiVersion(), env.kind(), env.apiVersion() + " " + env.kind() + ": " + e.getMessage(), warnings);
    }
    if (!unknown.isEmpty()) {
      StringBuilder w = new StringBuilder(env.apiVersion() + " " + env.kind()
          + ": fields not in the schema (newer than this build's schemas?), kept as raw bytes:");
      unknown.forEach((message, n) -> w.append(' ').append(message).append(" (").append(n).append(')'));
      warnings.add(w.toString());
    }
    Map<String, Object> obj = new LinkedHashMap<>();
    obj.put("apiVersion", env.apiVersion());
    obj.put("kind", env.kind());
    obj.putAll(body);
    return new StoredValue(Encoding.PROTOBUF, env.apiVersion(), env.kind(), obj, null, warnings, null, value.length);
  }

  private static StoredValue fromTree(Encoding enc, Object tree, int size, List<String> warnings) {
    if (!(tree instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException("the " + enc.label() + " value is not an object");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> obj = (Map<String, Object>) m;
    Object apiVersion = obj.get("apiVersion");
    Object kind = obj.get("kind");
    if (!(apiVersion instanceof String) || !(kind instanceof String)) {
      warnings.add("the object has no apiVersion or kind");
    }
    return new StoredValue(enc, apiVersion instanceof String s ? s : null, kind instanceof String k ? k : null,
        obj, null, warnings, null, size);
  }

  /**
   * The marker of a value that stays encrypted: provider and key, the stored bytes, and why
   * ({@code error}, or when null: it was not decrypted because no configuration was given).
   */
  private static StoredValue encrypted(byte[] value, String error) {
    Optional<EncryptedValue> e = EncryptedValue.parse(value);
    boolean malformed = e.isEmpty() || e.get().isMalformed();
    Map<String, Object> marker = new LinkedHashMap<>();
    Map<String, Object> enc = new LinkedHashMap<>();
    enc.put("provider", e.map(EncryptedValue::provider).orElse(null));
    enc.put("key", e.map(EncryptedValue::keyName).orElse(null));
    marker.put(StoredValue.ENCRYPTED_KEY, enc);
    marker.put(StoredValue.RAW_KEY, Base64.getEncoder().encodeToString(value));
    if (error == null) {
      error = malformed
          ? e.map(EncryptedValue::describe).orElse("malformed encryption prefix")
          : e.get().describe() + "; decrypting it needs the encryption config (--encryption-config)";
    }
    marker.put(StoredValue.ERROR_KEY, error);
    return new StoredValue(Encoding.ENCRYPTED, null, null, marker, error, List.of(), e.orElse(null), value.length);
  }

  private static StoredValue failed(Encoding enc, byte[] value, String apiVersion, String kind, String error, List<String> warnings) {
    Map<String, Object> marker = new LinkedHashMap<>();
    if (apiVersion != null) {
      marker.put("apiVersion", apiVersion);
      marker.put("kind", kind);
    }
    marker.put(StoredValue.RAW_KEY, Base64.getEncoder().encodeToString(value));
    marker.put(StoredValue.ERROR_KEY, error);
    return new StoredValue(enc, apiVersion, kind, marker, error, warnings, null, value.length);
  }

  private static String message(RuntimeException e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  /**
   * Visits the strings of a protobuf value (plaintext) in the order and at the paths of its lossless
   * tree, without decoding it (see {@link StringScan}); false when the value is not protobuf with
   * a schema, or the scan stopped: the caller then decodes.
   */
  public boolean scanStrings(byte[] plaintext, StringScan.Visitor visitor) {
    if (Encoding.sniff(plaintext) != Encoding.PROTOBUF) {
      return false;
    }
    Envelope env;
    try {
      env = Envelope.parse(plaintext);
    } catch (IllegalArgumentException e) {
      return false;
    }
    Optional<Descriptor> type = proto().schemaFor(env.apiVersion(), env.kind());
    if (type.isEmpty()) {
      return false;
    }
    visitor.object(env.apiVersion(), env.kind());
    return proto().scanStrings(type.get(), plaintext, env.rawOffset(), env.rawLength(), visitor);
  }

  /**
   * Encodes an object to the form kube-apiserver stores it in: the protobuf envelope for
   * built-in kinds, JSON (with the trailing newline) for CRDs, APIServices and custom resources.
   *
   * @throws IllegalArgumentException naming the field when the object does not fit its schema
   */
  public byte[] encode(Map<String, Object> obj) {
    Object apiVersion = obj.get("apiVersion");
    Object kind = obj.get("kind");
    if (!(apiVersion instanceof String av) || av.isEmpty() || !(kind instanceof String k) || k.isEmpty()) {
      throw new IllegalArgumentException("the object has no apiVersion or kind");
    }
    if (storedAsJson(av)) {
      return (Json.write(obj) + "\n").getBytes(StandardCharsets.UTF_8);
    }
    return encodeProtobuf(obj);
  }

  /** Encodes an object into the protobuf envelope, whatever form kube-apiserver would choose. */
  public byte[] encodeProtobuf(Map<String, Object> obj) {
    Object apiVersion = obj.get("apiVersion");
    Object kind = obj.get("kind");
    if (!(apiVersion instanceof String av) || av.isEmpty() || !(kind instanceof String k) || k.isEmpty()) {
      throw new IllegalArgumentException("the object has no apiVersion or kind");
    }
    Descriptor type = proto().schemaFor(av, k).orElseThrow(() -> new IllegalArgumentException(
        "no schema for " + av + " " + k + ": unknown apiVersion or kind"));
    return Envelope.wrap(av, k, proto().encode(type, obj));
  }

  /** CRDs and APIServices are stored as JSON on purpose; anything outside *.k8s.io is a custom resource. */
  static boolean storedAsJson(String apiVersion) {
    int slash = apiVersion.indexOf('/');
    if (slash < 0) {
      return false;
    }
    String group = apiVersion.substring(0, slash);
    if (group.equals("apiextensions.k8s.io") || group.equals("apiregistration.k8s.io")) {
      return true;
    }
    return group.contains(".") && !group.endsWith(".k8s.io");
  }
}
