package io.regshift.kube.proto;

import com.google.protobuf.Descriptors.Descriptor;
import io.regshift.kube.schema.SchemaRegistry;
import java.util.Map;
import java.util.Optional;

/** Protobuf ↔ Kubernetes JSON tree for the messages of a schema registry. */
public final class ProtoCodec {
  private static final String OBJECT_META = "k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta";
  private static volatile ProtoCodec builtin;

  private final SchemaRegistry schemas;
  private final LayoutCache layouts = new LayoutCache();

  public ProtoCodec(SchemaRegistry schemas) {
    this.schemas = schemas;
  }

  public static ProtoCodec builtin() {
    ProtoCodec c = builtin;
    if (c == null) {
      synchronized (ProtoCodec.class) {
        if (builtin == null) {
          builtin = new ProtoCodec(SchemaRegistry.builtin());
        }
        c = builtin;
      }
    }
    return c;
  }

  public SchemaRegistry schemas() {
    return schemas;
  }

  public Optional<Descriptor> schemaFor(String apiVersion, String kind) {
    return schemas.forKind(apiVersion, kind);
  }

  /**
   * Decodes a message. With {@code lossless}, zero values Go wrote are kept in the tree, so that
   * {@link #encode} gives back the same bytes; without, the tree is what kubectl would show.
   *
   * @param unknownFields if not null, receives per message type how many fields the schema lacks
   * @throws ProtoException when the bytes do not parse as that message
   */
  public Map<String, Object> decode(Descriptor type, byte[] buf, int off, int len, boolean lossless,
      Map<String, Integer> unknownFields) {
    return decode(type, buf, off, len, lossless, unknownFields, true);
  }

  /**
   * As {@link #decode(Descriptor, byte[], int, int, boolean, Map)}; without {@code parseRawJson},
   * embedded JSON (managedFields' fieldsV1) stays bytes: for a check that the value decodes,
   * which that JSON cannot fail (text that is not JSON is kept as it is).
   */
  public Map<String, Object> decode(Descriptor type, byte[] buf, int off, int len, boolean lossless,
      Map<String, Integer> unknownFields, boolean parseRawJson) {
    return new ProtoDecoder(lossless, unknownFields, parseRawJson).message(layouts.of(type), buf, off, off + len);
  }

  /**
   * Visits the strings of a message as {@link #decode} with {@code lossless} would hold them, without
   * making the tree; false when the scan stopped (see {@link StringScan}).
   */
  public boolean scanStrings(Descriptor type, byte[] buf, int off, int len, StringScan.Visitor visitor) {
    return StringScan.scan(layouts.of(type), buf, off, len, visitor);
  }

  /**
   * Encodes a tree as the bytes Go would write for it; top-level {@code apiVersion} and
   * {@code kind} are ignored (they go in the envelope).
   *
   * @throws IllegalArgumentException naming the field path when the tree does not fit the schema
   */
  public byte[] encode(Descriptor type, Map<String, Object> tree) {
    return new ProtoEncoder().message(layouts.of(type), tree, "");
  }

  /**
   * Decodes a message no schema describes: field 1 as ObjectMeta (true of every Kubernetes
   * object), everything else by field number.
   */
  public Map<String, Object> decodeSchemaless(byte[] buf, int off, int len) {
    Descriptor meta = schemas.message(OBJECT_META).orElseThrow();
    return new SchemalessDecoder(new ProtoDecoder(false, null), layouts.of(meta)).message(buf, off, off + len);
  }
}
