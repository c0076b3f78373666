package io.regshift.rewrite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ServiceCidrRuleTest {

  private static Cidr cidr(String text) {
    return Cidr.parse("test", text);
  }

  private static ServiceCidrRule rule(String primary, String secondary) {
    return new ServiceCidrRule(primary == null ? null : cidr(primary), secondary == null ? null : cidr(secondary));
  }

  private static String clusterIp(RuleRun.Result r, String namespace, String name) {
    return Tree.string(r.object(ServiceObjects.serviceKey(namespace, name)), "spec", "clusterIP");
  }

  @Test
  void theDemoClustersBitmapHoldsExactlyItsServicesOffsets() {
    Map<String, byte[]> demo = DemoCluster.values();
    RuleRun.Result asIs = RuleRun.run(demo); // no rules: the cluster as stored
    Cidr range = cidr((String) asIs.object("/registry/ranges/serviceips").get("range"));
    assertEquals("10.96.0.0/12", range.toString());
    Set<Long> offsets = new TreeSet<>();
    ServiceIpChecks.serviceIps(asIs).keySet().forEach(ip -> offsets.add(range.offsetOf(ip)));
    assertTrue(offsets.containsAll(List.of(0L, 9L)), "kubernetes (10.96.0.1) and kube-dns (10.96.0.10): " + offsets);
    Set<Long> bits = new TreeSet<>();
    RangeBitmap.fromBase64(Tree.string(asIs.object("/registry/ranges/serviceips"), "data")).offsets()
        .forEach(o -> bits.add((long) o));
    assertEquals(offsets, bits);
  }

  /**
   * A value kube-apiserver 1.3 wrote (etcd v2, JSON storage), as etcdctl printed it in public
   * install notes: a cluster holding only the kubernetes Service, 10.123.240.1, offset 0.
   */
  @Test
  void aRangeAllocationKubeApiserverWroteAsJsonReadsAndIsRewrittenInItsOwnForm() {
    String stored = "{\"kind\":\"RangeAllocation\",\"apiVersion\":\"v1\",\"metadata\":{\"creationTimestamp\":null},"
        + "\"range\":\"10.123.240.0/20\",\"data\":\"AQ==\"}\n";
    assertArrayEquals(new int[] {0}, RangeBitmap.fromBase64("AQ==").offsets().toArray());
    ServiceObjects c = new ServiceObjects().service("default", "kubernetes", "10.123.240.1")
        .service("kube-system", "kube-dns", "10.123.240.10");
    Map<String, byte[]> values = new java.util.LinkedHashMap<>(c.values());
    values.put("/registry/ranges/serviceips", stored.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    RuleRun.Result r = RuleRun.run(values, rule("10.100.0.0/16", null));
    assertEquals("{\"kind\":\"RangeAllocation\",\"apiVersion\":\"v1\",\"metadata\":{\"creationTimestamp\":null},"
        + "\"range\":\"10.100.0.0/16\",\"data\":\"AgE=\"}\n",
        new String(r.values().get("/registry/ranges/serviceips"), java.nio.charset.StandardCharsets.UTF_8),
        "JSON stays JSON, in kube-apiserver's field order; offsets 0 and 9 are 0x02 0x01");
  }

  @Test
  void movesTheDemoClusterIntoANewRangeKeepingOffsets() {
    Map<String, byte[]> demo = DemoCluster.values();
    RuleRun.Result r = RuleRun.run(demo, rule("10.100.0.0/16", null));
    ServiceIpChecks.assertFamilyIn(r, cidr("10.100.0.0/16"), true, "serviceips");
    assertEquals("10.100.0.10", clusterIp(r, "kube-system", "kube-dns"), "kube-dns keeps its offset 9");
    RuleRun.Result before = RuleRun.run(demo);
    Cidr old = cidr("10.96.0.0/12");
    Cidr now = cidr("10.100.0.0/16");
    Map<IpAddress, String> oldIps = ServiceIpChecks.serviceIps(before);
    Map<String, IpAddress> newIpOf = new java.util.HashMap<>();
    ServiceIpChecks.serviceIps(r).forEach((ip, svc) -> newIpOf.put(svc, ip));
    oldIps.forEach((ip, svc) -> {
      long offset = old.offsetOf(ip);
      if (offset < now.allocatable()) {
        assertEquals(now.addressAt(offset), newIpOf.get(svc), svc + " keeps offset " + offset);
      }
    });
    // the report: one old → new line per Service, and the bitmap
    assertEquals(List.of(new Change("/registry/services/specs/kube-system/kube-dns", "service-cidr", "spec.clusterIP",
            "10.96.0.10", "10.100.0.10"),
        new Change("/registry/services/specs/kube-system/kube-dns", "service-cidr", "spec.clusterIPs[0]",
            "10.96.0.10", "10.100.0.10")),
        r.changesOf("/registry/services/specs/kube-system/kube-dns"));
    assertEquals(List.of("range", "data"), r.changesOf("/registry/ranges/serviceips").stream().map(Change::path).toList());
    r.assertOnlyRecordedFieldsChanged();
  }

  @Test
  void theSameRangeAgainChangesNothing() {
    Map<String, byte[]> demo = DemoCluster.values();
    RuleRun.Result r = RuleRun.run(demo, rule("10.96.0.0/12", null));
    assertEquals(List.of(), r.changes());
    r.assertOnlyRecordedFieldsChanged();
  }

  @Test
  void offsetsThatDoNotFitGetTheNextFreeAddressAndTheKubernetesServiceTheFirst() {
    ServiceObjects c = new ServiceObjects()
        .service("default", "kubernetes", "10.96.0.1")
        .service("a", "first", "10.96.0.2")        // offset 1: fits
        .service("a", "far", "10.96.19.137")       // offset 5000: does not fit a /24
        .service("a", "headless", "None")
        .service("b", "dns", "10.96.0.10")         // offset 9: fits
        .service("b", "also-far", "10.96.100.1")   // offset 25600
        .rangeAllocation("serviceips", "10.96.0.0/12", 0, 1, 5000, 9, 25600);
    RuleRun.Result r = RuleRun.run(c.values(), rule("192.168.7.0/24", null));
    ServiceIpChecks.assertFamilyIn(r, cidr("192.168.7.0/24"), true, "serviceips");
    assertEquals("192.168.7.2", clusterIp(r, "a", "first"));
    assertEquals("192.168.7.10", clusterIp(r, "b", "dns"));
    // the dynamic band of a /24 starts at offset 16 (kube-apiserver's min(max(16, 256/16), 256))
    assertEquals("192.168.7.17", clusterIp(r, "a", "far"));
    assertEquals("192.168.7.18", clusterIp(r, "b", "also-far"));
    assertEquals("None", clusterIp(r, "a", "headless"));
    assertEquals(List.of(), r.changesOf(ServiceObjects.serviceKey("a", "headless")));
    r.assertOnlyRecordedFieldsChanged();
  }

  @Test
  void theKubernetesServiceTakesTheFirstAddressFromAnotherService() {
    ServiceObjects c = new ServiceObjects()
        .service("a", "squatter", "10.0.0.1")     // offset 0 in the old range
        .service("default", "kubernetes", "10.0.0.5")
        .rangeAllocation("serviceips", "10.0.0.0/24", 0, 4);
    RuleRun.Result r = RuleRun.run(c.values(), rule("10.1.0.0/24", null));
    ServiceIpChecks.assertFamilyIn(r, cidr("10.1.0.0/24"), true, "serviceips");
    assertEquals("10.1.0.1", clusterIp(r, "default", "kubernetes"));
    assertEquals("10.1.0.17", clusterIp(r, "a", "squatter"));
  }

  @Test
  void anAddressAlreadyInAnOverlappingNewRangeStaysWhenItsOffsetDoesNotFit() {
    ServiceObjects c = new ServiceObjects()
        .service("default", "kubernetes", "10.96.0.1")
        .service("a", "inside", "10.97.0.9")       // offset 65544 of the /12: beyond a /16
        .service("a", "low", "10.96.0.20")         // offset 19
        .rangeAllocation("serviceips", "10.96.0.0/12", 0, 65544, 19);
    RuleRun.Result r = RuleRun.run(c.values(), rule("10.97.0.0/16", null));
    ServiceIpChecks.assertFamilyIn(r, cidr("10.97.0.0/16"), true, "serviceips");
    assertEquals("10.97.0.9", clusterIp(r, "a", "inside"));
    assertEquals("10.97.0.20", clusterIp(r, "a", "low"));
    assertEquals(List.of(), r.changesOf(ServiceObjects.serviceKey("a", "inside")));
  }

  @Test
  void servicesSharingAnAddressAreSeparated() {
    ServiceObjects c = new ServiceObjects()
        .service("default", "kubernetes", "10.0.0.1")
        .service("a", "one", "10.0.0.50")
        .service("a", "two", "10.0.0.50")
        .rangeAllocation("serviceips", "10.0.0.0/24", 0, 49);
    RuleRun.Result r = RuleRun.run(c.values(), rule("10.2.0.0/24", null));
    ServiceIpChecks.assertFamilyIn(r, cidr("10.2.0.0/24"), true, "serviceips"); // fails on a duplicate
    assertEquals("10.2.0.50", clusterIp(r, "a", "one"));
  }

  @Test
  void dualStackMovesEachFamilyAndTheIpAddressObjectsAndTheServiceCidr() {
    ServiceObjects c = new ServiceObjects()
        .service("default", "kubernetes", "10.96.0.1")
        .service("web", "front", "10.96.0.20", "fd00:10:96::14")
        .service("web", "v6first", "fd00:10:96::102", "10.96.3.4")
        .service("web", "v6only", "fd00:10:96::99")
        .rangeAllocation("serviceips", "10.96.0.0/12", 0, 19, 0x304 - 1)
        .rangeAllocation("secondaryserviceips", "fd00:10:96::/112", 0x13, 0x101, 0x98)
        .ipAddress("10.96.0.1", "default", "kubernetes")
        .ipAddress("10.96.0.20", "web", "front")
        .ipAddress("fd00:10:96::14", "web", "front")
        .ipAddress("fd00:10:96::102", "web", "v6first")
        .ipAddress("10.96.3.4", "web", "v6first")
        .ipAddress("fd00:10:96::99", "web", "v6only")
        .serviceCidr("10.96.0.0/12", "fd00:10:96::/112");
    RuleRun.Result r = RuleRun.run(c.values(), rule("172.30.0.0/16", "fd00:aa::/108"));
    ServiceIpChecks.assertFamilyIn(r, cidr("172.30.0.0/16"), true, "serviceips");
    ServiceIpChecks.assertFamilyIn(r, cidr("fd00:aa::/108"), false, "secondaryserviceips");
    ServiceIpChecks.assertIpAddressesMatch(r, Set.of());
    assertEquals(6, r.values().keySet().stream().filter(k -> k.startsWith("/registry/ipaddresses/")).count());
    Map<String, Object> front = r.object(ServiceObjects.serviceKey("web", "front"));
    assertEquals(List.of("172.30.0.20", "fd00:aa::14"), Tree.list(front, "spec", "clusterIPs"));
    assertEquals(List.of("IPv4", "IPv6"), Tree.list(front, "spec", "ipFamilies"), "families are not touched");
    Map<String, Object> v6first = r.object(ServiceObjects.serviceKey("web", "v6first"));
    assertEquals(List.of("fd00:aa::102", "172.30.3.4"), Tree.list(v6first, "spec", "clusterIPs"));
    assertEquals(List.of("172.30.0.0/16", "fd00:aa::/108"),
        Tree.list(r.object("/registry/servicecidrs/kubernetes"), "spec", "cidrs"));
    assertNull(r.values().get("/registry/ipaddresses/10.96.0.20"), "the old IPAddress is gone");
    assertEquals(List.of(new Change("/registry/ipaddresses/10.96.0.20", "service-cidr", "key",
            "/registry/ipaddresses/10.96.0.20", "/registry/ipaddresses/172.30.0.20"),
        new Change("/registry/ipaddresses/10.96.0.20", "service-cidr", "metadata.name", "10.96.0.20", "172.30.0.20")),
        r.changesOf("/registry/ipaddresses/10.96.0.20"));
    r.assertOnlyRecordedFieldsChanged();
  }

  @Test
  void anIpv6ClusterMovesToAnotherIpv6Range() {
    ServiceObjects c = new ServiceObjects()
        .service("default", "kubernetes", "fd00:10:96::1")
        .service("kube-system", "kube-dns", "fd00:10:96::a")
        .service("web", "far", "fd00:10:96::fff")      // offset 4094: beyond a /120
        .rangeAllocation("serviceips", "fd00:10:96::/108", 0, 9, 4094);
    RuleRun.Result r = RuleRun.run(c.values(), rule("2001:db8:0:0:0:0:0:0/120", null));
    ServiceIpChecks.assertFamilyIn(r, cidr("2001:db8::/120"), true, "serviceips");
    assertEquals("2001:db8::1", clusterIp(r, "default", "kubernetes"));
    assertEquals("2001:db8::a", clusterIp(r, "kube-system", "kube-dns"));
    assertEquals("2001:db8::11", clusterIp(r, "web", "far"), "offset 16, the dynamic band of a /120");
    r.assertOnlyRecordedFieldsChanged();
  }

  @Test
  void onlyTheSecondaryRangeMoves() {
    ServiceObjects c = new ServiceObjects()
        .service("default", "kubernetes", "10.96.0.1")
        .service("web", "front", "10.96.0.20", "fd00:10:96::14")
        .rangeAllocation("serviceips", "10.96.0.0/12", 0, 19)
        .rangeAllocation("secondaryserviceips", "fd00:10:96::/112", 0x13);
    RuleRun.Result r = RuleRun.run(c.values(), rule(null, "fd00:bb::/112"));
    assertEquals(List.of("10.96.0.20", "fd00:bb::14"),
        Tree.list(r.object(ServiceObjects.serviceKey("web", "front")), "spec", "clusterIPs"));
    assertEquals(List.of(), r.changesOf("/registry/ranges/serviceips"));
    assertEquals(List.of(), r.changesOf(ServiceObjects.serviceKey("default", "kubernetes")));
    ServiceIpChecks.assertFamilyIn(r, cidr("fd00:bb::/112"), false, "secondaryserviceips");
    r.assertOnlyRecordedFieldsChanged();
  }

  @Test
  void anIpAddressOfNoServiceKeepsItsAddressAndNoServiceGetsIt() {
    ServiceObjects c = new ServiceObjects()
        .service("default", "kubernetes", "10.96.0.1")
        .service("a", "moved", "10.96.200.1")        // offset 51200: does not fit a /24
        .ipAddress("10.96.0.1", "default", "kubernetes")
        .ipAddress("10.96.200.1", "a", "moved")
        .ipAddress("10.50.0.17", "gateway", "reserved") // the first free dynamic address of 10.50.0.0/24
        .serviceCidr("10.96.0.0/12");
    RuleRun.Result r = RuleRun.run(c.values(), rule("10.50.0.0/24", null));
    assertEquals("10.50.0.18", clusterIp(r, "a", "moved"));
    ServiceIpChecks.assertIpAddressesMatch(r, Set.of("10.50.0.17"));
    assertEquals(List.of(), r.changesOf("/registry/ipaddresses/10.50.0.17"));
    r.assertOnlyRecordedFieldsChanged();
  }

  @Test
  void anIpAddressHoldingTheFirstAddressIsAnError() {
    ServiceObjects c = new ServiceObjects()
        .service("default", "kubernetes", "10.96.0.1")
        .ipAddress("10.50.0.1", "other", "thing");
    RewriteException e = assertThrows(RewriteException.class, () -> RuleRun.run(c.values(), rule("10.50.0.0/24", null)));
    assertTrue(e.getMessage().contains("10.50.0.1") && e.getMessage().contains("/registry/ipaddresses/10.50.0.1"),
        e.getMessage());
  }

  @Test
  void aRangeTooSmallForTheServicesIsAnErrorBeforeAnythingIsWritten() {
    ServiceObjects c = new ServiceObjects().service("default", "kubernetes", "10.96.0.1");
    for (int i = 0; i < 7; i++) {
      c.service("a", "s" + i, "10.96.1." + i);
    }
    c.rangeAllocation("serviceips", "10.96.0.0/12", 0, 256, 257, 258, 259, 260, 261, 262);
    ServiceCidrRule tooSmall = rule("10.1.0.0/29", null);
    RewriteException e = assertThrows(RewriteException.class, () -> RuleRun.run(c.values(), tooSmall));
    assertEquals("service-cidr: --service-cidr 10.1.0.0/29 is too small: it has 6 addresses for Services, "
        + "but the cluster has 8 IPv4 Service IPs; it needs at least a /28", e.getMessage());
    // and a /28 is enough
    ServiceIpChecks.assertFamilyIn(RuleRun.run(c.values(), rule("10.1.0.0/28", null)), cidr("10.1.0.0/28"), true,
        "serviceips");
  }

  @Test
  void aNewRangeOfAnotherFamilyIsAnError() {
    ServiceObjects c = new ServiceObjects()
        .service("default", "kubernetes", "10.96.0.1")
        .rangeAllocation("serviceips", "10.96.0.0/12", 0);
    RewriteException e = assertThrows(RewriteException.class, () -> RuleRun.run(c.values(), rule("fd00::/108", null)));
    assertTrue(e.getMessage().startsWith("service-cidr: --service-cidr fd00::/108 is IPv6 but the cluster's primary "
        + "service range (/registry/ranges/serviceips) is 10.96.0.0/12"), e.getMessage());
  }

  @Test
  void aRangeTooLargeForTheBitmapIsAnError() {
    ServiceObjects c = new ServiceObjects()
        .service("default", "kubernetes", "10.96.0.1")
        .rangeAllocation("serviceips", "10.96.0.0/12", 0);
    RewriteException e = assertThrows(RewriteException.class, () -> RuleRun.run(c.values(), rule("10.0.0.0/8", null)));
    assertTrue(e.getMessage().contains("too large for the bitmap at /registry/ranges/serviceips"), e.getMessage());
    // without a bitmap (IPAddress objects only) a /8 is fine
    ServiceObjects noBitmap = new ServiceObjects().service("default", "kubernetes", "10.96.0.1").serviceCidr("10.96.0.0/12");
    RuleRun.Result r = RuleRun.run(noBitmap.values(), rule("10.0.0.0/8", null));
    assertEquals("10.0.0.1", clusterIp(r, "default", "kubernetes"));
  }

  @Test
  void bothRangesOfOneFamilyAreRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rule("10.0.0.0/16", "10.1.0.0/16"));
    assertTrue(e.getMessage().contains("are both IPv4"), e.getMessage());
  }

  @Test
  void aServiceWrittenBefore120WithoutClusterIpsKeepsThatShape() {
    ServiceObjects c = new ServiceObjects();
    Map<String, Object> old = c.serviceTree("a", "legacy", "ClusterIP", List.of("10.96.0.30"), List.of());
    ((Map<?, ?>) old.get("spec")).remove("clusterIPs");
    ((Map<?, ?>) old.get("spec")).remove("ipFamilies");
    ((Map<?, ?>) old.get("spec")).remove("ipFamilyPolicy");
    c.service("default", "kubernetes", "10.96.0.1").put(ServiceObjects.serviceKey("a", "legacy"), old)
        .rangeAllocation("serviceips", "10.96.0.0/12", 0, 29);
    RuleRun.Result r = RuleRun.run(c.values(), rule("10.20.0.0/16", null));
    Map<String, Object> svc = r.object(ServiceObjects.serviceKey("a", "legacy"));
    assertEquals("10.20.0.30", Tree.string(svc, "spec", "clusterIP"));
    assertFalse(((Map<?, ?>) svc.get("spec")).containsKey("clusterIPs"));
    ServiceIpChecks.assertFamilyIn(r, cidr("10.20.0.0/16"), true, "serviceips");
    r.assertOnlyRecordedFieldsChanged();
  }
}
