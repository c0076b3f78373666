package io.regshift.testdata;

import io.regshift.kube.Json;
import io.regshift.testing.Etcdctl;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an etcd holds, as the etcd project's own etcdctl reports it: keys, raw value bytes,
 * revisions, versions and leases. The generator writes through jetcd; this reads through
 * something else.
 */
final class EtcdContent {
  private EtcdContent() {}

  /** One key as {@code etcdctl get -w json} prints it. */
  record Kv(String key, byte[] value, long createRevision, long modRevision, long version,
      long lease) {}

  /** {@code etcdctl get --prefix PREFIX --keys-only}: the keys, in etcd's order. */
  static List<String> keys(Etcdctl etcdctl, String prefix) {
    List<String> keys = new ArrayList<>();
    for (String line : etcdctl.run("get", "--prefix", "--keys-only", "--", prefix).split("\n")) {
      if (!line.isEmpty()) {
        keys.add(line);
      }
    }
    return keys;
  }

  /** Every key under {@code prefix} with its value, at the current revision. */
  static Map<String, Kv> get(Etcdctl etcdctl, String prefix) {
    return parse(etcdctl.run("get", "--prefix", "--write-out=json", "--", prefix));
  }

  /** One key at a past revision, or null when it did not exist then. */
  static Kv getAt(Etcdctl etcdctl, String key, long revision) {
    return parse(etcdctl.run("get", "--write-out=json", "--rev=" + revision, "--", key)).get(key);
  }

  /** The store's current revision. */
  static long revision(Etcdctl etcdctl) {
    Map<?, ?> response = (Map<?, ?>) Json.parse(etcdctl.run("get", "--write-out=json", "--", "/"));
    return number(((Map<?, ?>) response.get("header")).get("revision"));
  }

  private static Map<String, Kv> parse(String json) {
    Map<?, ?> response = (Map<?, ?>) Json.parse(json);
    Map<String, Kv> out = new LinkedHashMap<>();
    Object kvs = response.get("kvs"); // absent when nothing matched
    for (Object o : kvs == null ? List.of() : (List<?>) kvs) {
      Map<?, ?> kv = (Map<?, ?>) o;
      String key = new String(base64(kv.get("key")), StandardCharsets.UTF_8);
      out.put(key, new Kv(key, base64(kv.get("value")), number(kv.get("create_revision")),
          number(kv.get("mod_revision")), number(kv.get("version")), number(kv.get("lease"))));
    }
    return out;
  }

  private static byte[] base64(Object value) {
    return value == null ? new byte[0] : Base64.getDecoder().decode((String) value); // etcd omits empty values
  }

  private static long number(Object value) {
    return value == null ? 0 : ((Number) value).longValue();
  }
}
