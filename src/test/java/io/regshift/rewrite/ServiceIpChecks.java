package io.regshift.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The checks on a rewritten cluster's Services, bitmaps and IPAddress objects. */
final class ServiceIpChecks {
  private ServiceIpChecks() {}

  /** Every Service's IPs, by canonical address → "namespace/name"; fails on a duplicate. */
  static Map<IpAddress, String> serviceIps(RuleRun.Result r) {
    Map<IpAddress, String> owners = new HashMap<>();
    for (String key : r.values().keySet()) {
      if (!key.startsWith("/registry/services/specs/")) {
        continue;
      }
      Map<String, Object> svc = r.object(key);
      String clusterIp = Tree.string(svc, "spec", "clusterIP");
      List<Object> clusterIps = Tree.list(svc, "spec", "clusterIPs");
      if (clusterIps != null && !clusterIps.isEmpty()) {
        assertEquals(clusterIps.get(0), clusterIp, key + ": clusterIPs[0] must equal clusterIP");
      }
      if (clusterIp == null || clusterIp.equals("None")) {
        continue;
      }
      for (Object ip : clusterIps == null ? List.<Object>of(clusterIp) : clusterIps) {
        IpAddress address = IpAddress.parse((String) ip);
        assertEquals(address.toString(), ip, key + ": cluster IPs are written in canonical form");
        String name = key.substring("/registry/services/specs/".length());
        String other = owners.put(address, name);
        if (other != null) {
          fail(address + " is held by both " + other + " and " + name);
        }
      }
    }
    return owners;
  }

  /**
   * After --service-cidr: every IP of the family in {@code cidr}, the kubernetes Service at the
   * first address (when {@code primary}), the bitmap's set bits exactly the Services' offsets.
   */
  static void assertFamilyIn(RuleRun.Result r, Cidr cidr, boolean primary, String rangeName) {
    Map<IpAddress, String> owners = serviceIps(r);
    Set<Long> offsets = new TreeSet<>();
    for (IpAddress ip : owners.keySet()) {
      if (ip.isIpv4() == cidr.isIpv4()) {
        long offset = cidr.offsetOf(ip);
        assertTrue(offset >= 0, owners.get(ip) + ": " + ip + " is not an allocatable address of " + cidr);
        offsets.add(offset);
      }
    }
    if (primary) {
      assertEquals(cidr.addressAt(0).toString(),
          Tree.string(r.object(ServiceObjects.serviceKey("default", "kubernetes")), "spec", "clusterIP"),
          "the kubernetes Service has the first address");
    }
    Map<String, Object> range = r.object("/registry/ranges/" + rangeName);
    if (range != null) {
      assertEquals(cidr.toString(), range.get("range"), rangeName + " range");
      Set<Long> bits = new TreeSet<>();
      RangeBitmap.fromBase64(Tree.string(range, "data")).offsets().forEach(o -> bits.add((long) o));
      assertEquals(offsets, bits, rangeName + ": the bitmap's set bits are exactly the Services' offsets");
    }
  }

  /** Every IPAddress object names a Service IP, points at that Service, and has the right family label. */
  static void assertIpAddressesMatch(RuleRun.Result r, Set<String> expectedOrphans) {
    Map<IpAddress, String> owners = serviceIps(r);
    for (String key : r.values().keySet()) {
      if (!key.startsWith("/registry/ipaddresses/")) {
        continue;
      }
      Map<String, Object> ipa = r.object(key);
      String name = Tree.string(ipa, "metadata", "name");
      assertEquals(key, "/registry/ipaddresses/" + name, "the key names the object");
      if (expectedOrphans.contains(name)) {
        continue;
      }
      IpAddress ip = IpAddress.parse(name);
      String owner = owners.get(ip);
      assertNotNull(owner, key + ": no Service holds " + name);
      assertEquals(owner, Tree.string(ipa, "spec", "parentRef", "namespace") + "/"
          + Tree.string(ipa, "spec", "parentRef", "name"), key + ": parentRef");
      assertEquals(ip.family(), Tree.string(ipa, "metadata", "labels", ServiceCidrRule.FAMILY_LABEL), key + ": family label");
    }
  }
}
