package io.regshift.kube;

import io.regshift.crypto.EncryptedValue;
import java.util.List;
import java.util.Map;

/**
 * What a stored value decoded to. Never absent: a value that cannot be decoded still has an
 * {@code object}, a marker tree holding its bytes as base64, and says why in {@code error}.
 *
 * @param object the Kubernetes object as a JSON tree, or the marker tree
 * @param error null when decoded, else a one-line cause
 * @param encoding the form of the object: for a value encrypted at rest, the form of its plaintext
 *                 once decrypted, or ENCRYPTED when it was not
 * @param warnings things the user should know that did not stop decoding (no schema, unknown fields)
 * @param encryption the prefix of a value stored encrypted ({@code k8s:enc:...}), decrypted or
 *                   not; null for values stored as plaintext
 * @param size the stored value's length in bytes
 */
public record StoredValue(Encoding encoding, String apiVersion, String kind, Map<String, Object> object,
    String error, List<String> warnings, EncryptedValue encryption, int size) {

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
    return new StoredValue(Encoding.RAW, null, null, marker, null, List.of(), null, value.length);
  }

  public boolean ok() {
    return error == null;
  }

  /** Encryption provider of a value stored encrypted, else null. */
  public String provider() {
    return encryption == null ? null : encryption.provider();
  }

  /** Encryption key (or KMS provider) name of a value stored encrypted, else null. */
  public String keyName() {
    return encryption == null ? null : encryption.keyName();
  }

  /**
   * How the value is stored in etcd, as ls and stats show it: {@code protobuf}, {@code json},
   * {@code cbor}, {@code raw}, or {@code encrypted:<provider>:<version>:<key>} (the prefix's
   * words, e.g. {@code encrypted:aesgcm:v1:key1}; just {@code encrypted} when it is malformed),
   * whether or not it was decrypted.
   */
  public String storedAs() {
    if (encryption != null) {
      return encryption.isMalformed() ? "encrypted" : "encrypted:" + encryption.label();
    }
    return encoding.label();
  }

  /** True for a value stored encrypted that was decrypted and decoded. */
  public boolean decrypted() {
    return encryption != null && encoding != Encoding.ENCRYPTED && ok();
  }
}
