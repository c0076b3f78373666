package io.regshift.rewrite;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Services, RangeAllocations, IPAddresses and ServiceCIDRs as kube-apiserver stores them
 * (encoded by the codec into the protobuf envelope), for a small cluster built in a test.
 */
final class ServiceObjects {
  private final Map<String, byte[]> values = new LinkedHashMap<>();
  private int serial;

  Map<String, byte[]> values() {
    return values;
  }

  static String serviceKey(String namespace, String name) {
    return "/registry/services/specs/" + namespace + "/" + name;
  }

  /** A ClusterIP Service with these cluster IPs (first = primary family). */
  ServiceObjects service(String namespace, String name, String... ips) {
    return put(serviceKey(namespace, name), serviceTree(namespace, name, "ClusterIP", List.of(ips), List.of()));
  }

  /** A NodePort Service with one port per node port (TCP). */
  ServiceObjects nodePortService(String namespace, String name, String ip, long... nodePorts) {
    List<Map<String, Object>> ports = new ArrayList<>();
    for (int i = 0; i < nodePorts.length; i++) {
      ports.add(port("p" + i, "TCP", 80 + i, nodePorts[i]));
    }
    return put(serviceKey(namespace, name), serviceTree(namespace, name, "NodePort", List.of(ip), ports));
  }

  ServiceObjects put(String key, Map<String, Object> tree) {
    values.put(key, RuleRun.CODEC.encode(tree));
    return this;
  }

  static Map<String, Object> port(String name, String protocol, long port, long nodePort) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("name", name);
    p.put("protocol", protocol);
    p.put("port", port);
    p.put("targetPort", port + 8000);
    if (nodePort != 0) {
      p.put("nodePort", nodePort);
    }
    return p;
  }

  Map<String, Object> serviceTree(String namespace, String name, String type, List<String> ips,
      List<Map<String, Object>> ports) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("ports", ports.isEmpty() ? List.of(port("http", "TCP", 80, 0)) : ports);
    spec.put("selector", map("app", name));
    if (!ips.isEmpty()) {
      spec.put("clusterIP", ips.get(0));
      spec.put("clusterIPs", new ArrayList<>(ips));
    }
    spec.put("type", type);
    spec.put("sessionAffinity", "None");
    if (!ips.isEmpty() && !ips.get(0).equals("None")) {
      List<Object> families = new ArrayList<>();
      ips.forEach(ip -> families.add(ip.contains(":") ? "IPv6" : "IPv4"));
      spec.put("ipFamilies", families);
      spec.put("ipFamilyPolicy", ips.size() > 1 ? "RequireDualStack" : "SingleStack");
    }
    if (!type.equals("ClusterIP")) {
      spec.put("externalTrafficPolicy", "Cluster");
    }
    spec.put("internalTrafficPolicy", "Cluster");
    return map("apiVersion", "v1", "kind", "Service",
        "metadata", metadata(namespace, name, map("app", name)),
        "spec", spec,
        "status", map("loadBalancer", map()));
  }

  ServiceObjects rangeAllocation(String name, String range, int... offsets) {
    RangeBitmap bits = RangeBitmap.empty();
    for (int o : offsets) {
      bits.set(o);
    }
    return put("/registry/ranges/" + name, map("apiVersion", "v1", "kind", "RangeAllocation",
        "metadata", map(), "range", range, "data", bits.toBase64()));
  }

  ServiceObjects ipAddress(String ip, String namespace, String service) {
    Map<String, Object> labels = map(ServiceCidrRule.FAMILY_LABEL, ip.contains(":") ? "IPv6" : "IPv4",
        "ipaddress.kubernetes.io/managed-by", "ipallocator.k8s.io");
    return put("/registry/ipaddresses/" + ip, map("apiVersion", "networking.k8s.io/v1", "kind", "IPAddress",
        "metadata", metadata(null, ip, labels),
        "spec", map("parentRef", map("group", "", "resource", "services", "namespace", namespace, "name", service))));
  }

  ServiceObjects serviceCidr(String... cidrs) {
    return put("/registry/servicecidrs/kubernetes", map("apiVersion", "networking.k8s.io/v1", "kind", "ServiceCIDR",
        "metadata", metadata(null, "kubernetes", map()),
        "spec", map("cidrs", new ArrayList<>(List.of(cidrs))),
        "status", map("conditions", List.of(map("type", "Ready", "status", "True",
            "lastTransitionTime", "2024-05-01T10:00:00Z", "reason", "", "message", "Kubernetes Service CIDR is ready")))));
  }

  private Map<String, Object> metadata(String namespace, String name, Map<String, Object> labels) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    if (namespace != null) {
      m.put("namespace", namespace);
    }
    m.put("uid", new UUID(0x1234L, ++serial).toString());
    m.put("creationTimestamp", "2024-05-01T10:00:0" + (serial % 10) + "Z");
    if (!labels.isEmpty()) {
      m.put("labels", labels);
    }
    return m;
  }

  static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }
}
