package io.regshift.kube;

import io.regshift.etcd.MvccEntry;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One object read from a source: the etcd entry, what its key names, and its decoded value.
 *
 * @param entry the stored revision
 * @param key   the key, parsed
 * @param value the decoded value (never null; check {@link StoredValue#ok()})
 */
public record StoredObject(MvccEntry entry, RegistryKey key, StoredValue value) {

  public static StoredObject decode(MvccEntry entry, String prefix, ResourceCatalog catalog, ValueCodec codec) {
    RegistryKey key = RegistryKeys.parse(entry.keyString(), prefix, catalog);
    // keys outside the prefix (compact_rev_key, other applications' keys) hold no Kubernetes object
    StoredValue value = key.inRegistry() ? codec.decode(entry.keyString(), entry.value(), false) : StoredValue.opaque(entry.value());
    return new StoredObject(entry, key, value);
  }

  /**
   * The object as kube-apiserver serves it: stored values carry no resourceVersion, the server
   * fills in the mod revision. (Output is written with sorted keys, as kubectl prints it.)
   */
  @SuppressWarnings("unchecked")
  public Map<String, Object> served() {
    if (!value.ok() || !(value.object().get("metadata") instanceof Map<?, ?> md)) {
      return value.object();
    }
    Map<String, Object> meta = new LinkedHashMap<>((Map<String, Object>) md);
    meta.put("resourceVersion", Long.toString(entry.modRevision()));
    Map<String, Object> copy = new LinkedHashMap<>(value.object());
    copy.put("metadata", meta);
    return copy;
  }
}
