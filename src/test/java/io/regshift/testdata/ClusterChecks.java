package io.regshift.testdata;

import io.regshift.kube.RegistryKey;
import io.regshift.kube.ResourceInfo;
import io.regshift.kube.StoredValue;
import io.regshift.kube.ValueCodec;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Invariants any etcd written by kube-apiserver satisfies, checked on what etcdctl read back.
 * Each check returns the problems it found, one line each, so a failure names every culprit.
 * These are written from the Kubernetes rules, not from the generator's code.
 */
final class ClusterChecks {
  private static final Pattern UUID_V4 =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  /** Custom resources the demo's CRD defines: group/plural → apiVersion and kind. */
  private static final Map<String, String[]> CUSTOM = Map.of(
      "stable.example.com/crontabs", new String[] {"stable.example.com/v1", "CronTab"});

  private ClusterChecks() {}

  /** Every value decoded with the project's codec; the check below says what must hold. */
  static Map<String, StoredValue> decodeAll(Map<String, EtcdContent.Kv> kvs) {
    Map<String, StoredValue> out = new LinkedHashMap<>();
    kvs.forEach((key, kv) -> out.put(key, ValueCodec.builtin().decode(kv.value())));
    return out;
  }

  /**
   * Each value decodes without error or warning to the storage apiVersion and the kind its key
   * implies, names the object of its key, and carries what the apiserver adds on create (uid,
   * creationTimestamp) but no resourceVersion.
   */
  static List<String> valueProblems(Map<String, StoredValue> values) {
    List<String> problems = new ArrayList<>();
    values.forEach((key, v) -> {
      if (!v.ok()) {
        problems.add(key + ": " + v.error());
        return;
      }
      if (!v.warnings().isEmpty()) {
        problems.add(key + ": " + v.warnings());
      }
      RegistryKey k = RegistryKey.parse(key);
      ResourceInfo info = k.info().orElse(null);
      if (info == null) {
        problems.add(key + ": the key names no resource");
        return;
      }
      String expectedApiVersion;
      String expectedKind;
      if (info.isCustomResource()) {
        String[] cr = CUSTOM.get(info.keyPath());
        if (cr == null) {
          problems.add(key + ": unexpected custom resource " + info.keyPath());
          return;
        }
        expectedApiVersion = cr[0];
        expectedKind = cr[1];
      } else {
        expectedApiVersion = info.storageVersion();
        expectedKind = info.kind();
      }
      if (!expectedApiVersion.equals(v.apiVersion()) || !expectedKind.equals(v.kind())) {
        problems.add(key + ": holds " + v.apiVersion() + " " + v.kind() + ", the key implies "
            + expectedApiVersion + " " + expectedKind);
      }
      Map<?, ?> meta = (Map<?, ?>) v.object().get("metadata");
      if (meta == null) {
        problems.add(key + ": no metadata");
        return;
      }
      if (meta.containsKey("resourceVersion")) {
        problems.add(key + ": a resourceVersion is stored");
      }
      if (key.startsWith("/registry/ranges/")) {
        return; // the allocators write RangeAllocations with empty metadata
      }
      if (!k.name().equals(meta.get("name"))) {
        problems.add(key + ": metadata.name is " + meta.get("name"));
      }
      if (!java.util.Objects.equals(k.namespace(), meta.get("namespace"))) {
        problems.add(key + ": metadata.namespace is " + meta.get("namespace"));
      }
      if (!(meta.get("uid") instanceof String uid) || !UUID_V4.matcher(uid).matches()) {
        problems.add(key + ": uid " + meta.get("uid") + " is not a UUIDv4");
      }
      if (!(meta.get("creationTimestamp") instanceof String)) {
        problems.add(key + ": no creationTimestamp");
      }
    });
    return problems;
  }

  /** Every ownerReference names an existing object by uid, with its kind and name, in the same namespace. */
  static List<String> ownerProblems(Map<String, StoredValue> values) {
    Map<String, Map<?, ?>> byUid = byUid(values);
    List<String> problems = new ArrayList<>();
    int refs = 0;
    for (Map.Entry<String, StoredValue> e : values.entrySet()) {
      Map<?, ?> meta = (Map<?, ?>) e.getValue().object().get("metadata");
      if (!(meta.get("ownerReferences") instanceof List<?> owners)) {
        continue;
      }
      for (Object o : owners) {
        refs++;
        Map<?, ?> ref = (Map<?, ?>) o;
        Map<?, ?> owner = byUid.get((String) ref.get("uid"));
        if (owner == null) {
          problems.add(e.getKey() + ": owner uid " + ref.get("uid") + " (" + ref.get("kind") + " "
              + ref.get("name") + ") is no stored object");
          continue;
        }
        Map<?, ?> ownerMeta = (Map<?, ?>) owner.get("metadata");
        if (!ref.get("kind").equals(owner.get("kind")) || !ref.get("name").equals(ownerMeta.get("name"))
            || !ref.get("apiVersion").equals(owner.get("apiVersion"))) {
          problems.add(e.getKey() + ": owner " + ref + " is " + owner.get("apiVersion") + " "
              + owner.get("kind") + " " + ownerMeta.get("name"));
        }
        Object ownerNs = ownerMeta.get("namespace");
        if (ownerNs != null && !ownerNs.equals(meta.get("namespace"))) {
          problems.add(e.getKey() + ": owner " + ref.get("name") + " lives in namespace " + ownerNs);
        }
      }
    }
    if (refs == 0) {
      problems.add("no object has ownerReferences at all");
    }
    return problems;
  }

  /** Endpoints' and EndpointSlices' targetRefs name existing pods by uid, with the pod's IP. */
  static List<String> targetRefProblems(Map<String, StoredValue> values) {
    Map<String, Map<?, ?>> byUid = byUid(values);
    List<String> problems = new ArrayList<>();
    int refs = 0;
    for (Map.Entry<String, StoredValue> e : values.entrySet()) {
      Map<String, Object> obj = e.getValue().object();
      List<Map<?, ?>[]> pairs = new ArrayList<>(); // {targetRef, address holder}
      if ("Endpoints".equals(obj.get("kind")) && obj.get("subsets") instanceof List<?> subsets) {
        for (Object s : subsets) {
          for (Object a : (List<?>) ((Map<?, ?>) s).get("addresses")) {
            Map<?, ?> address = (Map<?, ?>) a;
            if (address.get("targetRef") instanceof Map<?, ?> ref) {
              pairs.add(new Map<?, ?>[] {ref, Map.of("ip", address.get("ip"))});
            }
          }
        }
      }
      if ("EndpointSlice".equals(obj.get("kind")) && obj.get("endpoints") instanceof List<?> eps) {
        for (Object ep : eps) {
          Map<?, ?> endpoint = (Map<?, ?>) ep;
          if (endpoint.get("targetRef") instanceof Map<?, ?> ref) {
            pairs.add(new Map<?, ?>[] {ref, Map.of("ip", ((List<?>) endpoint.get("addresses")).get(0))});
          }
        }
      }
      for (Map<?, ?>[] pair : pairs) {
        refs++;
        Map<?, ?> ref = pair[0];
        Map<?, ?> pod = byUid.get((String) ref.get("uid"));
        if (pod == null || !"Pod".equals(pod.get("kind"))) {
          problems.add(e.getKey() + ": targetRef " + ref.get("name") + " uid " + ref.get("uid")
              + " is no stored pod");
          continue;
        }
        Map<?, ?> status = (Map<?, ?>) pod.get("status");
        if (!pair[1].get("ip").equals(status.get("podIP"))) {
          problems.add(e.getKey() + ": address " + pair[1].get("ip") + " for pod " + ref.get("name")
              + " whose IP is " + status.get("podIP"));
        }
      }
    }
    if (refs == 0) {
      problems.add("no endpoints point at pods at all");
    }
    return problems;
  }

  /**
   * The allocator bitmaps hold exactly the services' addresses and node ports: bit i of the
   * big-endian integer in {@code data} is offset i (IP − (network + 1); port − 30000).
   */
  static List<String> bitmapProblems(Map<String, StoredValue> values) {
    List<String> problems = new ArrayList<>();
    TreeSet<Long> ipOffsets = new TreeSet<>();
    TreeSet<Long> portOffsets = new TreeSet<>();
    long network = ipv4("10.96.0.0");
    for (Map.Entry<String, StoredValue> e : values.entrySet()) {
      if (!e.getKey().startsWith("/registry/services/specs/")) {
        continue;
      }
      Map<?, ?> spec = (Map<?, ?>) e.getValue().object().get("spec");
      for (Object ip : (List<?>) spec.get("clusterIPs")) {
        ipOffsets.add(ipv4((String) ip) - (network + 1));
      }
      if (!spec.get("clusterIP").equals(((List<?>) spec.get("clusterIPs")).get(0))) {
        problems.add(e.getKey() + ": clusterIP differs from clusterIPs[0]");
      }
      for (Object p : (List<?>) spec.get("ports")) {
        if (((Map<?, ?>) p).get("nodePort") instanceof Long port) {
          portOffsets.add(port - 30000);
        }
      }
    }
    check(values, "/registry/ranges/serviceips", "10.96.0.0/12", ipOffsets, problems);
    check(values, "/registry/ranges/servicenodeports", "30000-32767", portOffsets, problems);
    if (ipOffsets.isEmpty() || portOffsets.isEmpty()) {
      problems.add("no services with cluster IPs and node ports to check the bitmaps against");
    }
    return problems;
  }

  private static void check(Map<String, StoredValue> values, String key, String range,
      TreeSet<Long> expected, List<String> problems) {
    StoredValue v = values.get(key);
    if (v == null) {
      problems.add(key + " is missing");
      return;
    }
    if (!range.equals(v.object().get("range"))) {
      problems.add(key + ": range " + v.object().get("range") + ", expected " + range);
    }
    byte[] data = Base64.getDecoder().decode((String) v.object().getOrDefault("data", ""));
    if (data.length > 0 && data[0] == 0) {
      problems.add(key + ": the bitmap has a leading zero byte (big.Int.Bytes() never does)");
    }
    BigInteger bits = new BigInteger(1, data);
    TreeSet<Long> actual = new TreeSet<>();
    for (int i = bits.getLowestSetBit(); i >= 0 && i < bits.bitLength(); i++) {
      if (bits.testBit(i)) {
        actual.add((long) i);
      }
    }
    if (!actual.equals(expected)) {
      problems.add(key + ": bitmap offsets " + actual + " but the services hold " + expected);
    }
  }

  private static Map<String, Map<?, ?>> byUid(Map<String, StoredValue> values) {
    Map<String, Map<?, ?>> byUid = new java.util.HashMap<>();
    for (StoredValue v : values.values()) {
      Map<?, ?> meta = (Map<?, ?>) v.object().get("metadata");
      if (meta != null && meta.get("uid") instanceof String uid) {
        byUid.put(uid, v.object());
      }
    }
    return byUid;
  }

  static long ipv4(String ip) {
    long v = 0;
    for (String octet : ip.split("\\.")) {
      v = (v << 8) | Long.parseLong(octet);
    }
    return v;
  }
}
