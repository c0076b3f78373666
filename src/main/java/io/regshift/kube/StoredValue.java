package io.regshift.kube;

import java.util.List;
import java.util.Map;

/**
 * What a stored value decoded to. Never absent: a value that cannot be decoded still has an
 * {@code object}, a marker tree holding its bytes as base64, and says why in {@code error}.
 *
 * @param object the Kubernetes object as a JSON tree, or the marker tree
 * @param error null when decoded, else a one-line cause
 * @param warnings things the user should know that did not stop decoding (no schema, unknown fields)
 * @param provider encryption provider for encrypted values, else null
 * @param keyName encryption key name for encrypted values, else null
 */
public record StoredValue(Encoding encoding, String apiVersion, String kind, Map<String, Object> object,
    String error, List<String> warnings, String provider, String keyName, int size) {

  /** Marker key: the value's bytes, base64, where they could not be decoded. */
  public static final String RAW_KEY = "x-regshift-raw";
  /** Marker key: why the value could not be decoded. */
  public static final String ERROR_KEY = "x-regshift-error";
  /** Marker key: provider and key of an encrypted value. */
  public static final String ENCRYPTED_KEY = "x-regshift-encrypted";
  /** Marker key: present when a message was decoded without a schema, by field number. */
  public static final String SCHEMALESS_KEY = "x-regshift-schemaless";

  /**
   * A value that is not a Kubernetes object and need not be one: keys outside the prefix, such
   * as the compactor's compact_rev_key. Kept as bytes (base64 in the marker), without an error.
   */
  public static StoredValue opaque(byte[] value) {
    Map<String, Object> marker = new java.util.LinkedHashMap<>();
    marker.put(RAW_KEY, java.util.Base64.getEncoder().encodeToString(value));
    return new StoredValue(Encoding.RAW, null, null, marker, null, List.of(), null, null, value.length);
  }

  public boolean ok() {
    return error == null;
  }
}
