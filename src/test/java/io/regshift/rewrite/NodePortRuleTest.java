package io.regshift.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class NodePortRuleTest {

  private static NodePortRule rule(String range) {
    return new NodePortRule(PortRange.parse("--node-port-range", range));
  }

  /** Every Service's node ports: in the range, no port held by two Services, the bitmap exactly the ports. */
  private static Set<Long> assertPortsIn(RuleRun.Result r, PortRange range) {
    Map<Long, String> owner = new HashMap<>();
    for (String key : r.values().keySet()) {
      if (!key.startsWith("/registry/services/specs/")) {
        continue;
      }
      Map<String, Object> svc = r.object(key);
      Set<Long> own = new TreeSet<>();
      List<Object> ports = Tree.list(svc, "spec", "ports");
      for (Object p : ports == null ? List.of() : ports) {
        if (Tree.number(p, "nodePort") != 0) {
          own.add(Tree.number(p, "nodePort"));
        }
      }
      if (Tree.number(svc, "spec", "healthCheckNodePort") != 0) {
        own.add(Tree.number(svc, "spec", "healthCheckNodePort"));
      }
      for (long port : own) {
        assertTrue(range.contains(port), key + ": node port " + port + " is outside " + range);
        String other = owner.put(port, key);
        if (other != null) {
          fail("node port " + port + " is held by both " + other + " and " + key);
        }
      }
    }
    Map<String, Object> bitmap = r.object("/registry/ranges/servicenodeports");
    if (bitmap != null) {
      assertEquals(range.toString(), bitmap.get("range"));
      Set<Long> bits = new TreeSet<>();
      RangeBitmap.fromBase64(Tree.string(bitmap, "data")).offsets().forEach(o -> bits.add(range.first() + (long) o));
      assertEquals(new TreeSet<>(owner.keySet()), bits, "the bitmap's set bits are exactly the node ports");
    }
    return owner.keySet();
  }

  @Test
  void theDemoClustersNodePortBitmapHoldsExactlyItsNodePorts() {
    RuleRun.Result asIs = RuleRun.run(DemoCluster.values());
    Set<Long> ports = assertPortsIn(asIs, PortRange.parse("stored", "30000-32767"));
    assertFalse(ports.isEmpty(), "the demo has a NodePort service (shop/frontend)");
  }

  @Test
  void movesTheDemoClustersNodePortsIntoANarrowerRange() {
    Map<String, byte[]> demo = DemoCluster.values();
    RuleRun.Result r = RuleRun.run(demo, rule("31000-31099"));
    assertPortsIn(r, PortRange.parse("t", "31000-31099"));
    List<Change> frontend = r.changesOf("/registry/services/specs/shop/frontend");
    assertEquals(List.of("spec.ports[0].nodePort"), frontend.stream().map(Change::path).toList());
    // a range of 100 ports: kube-apiserver's dynamic band starts at offset 16
    assertEquals(31016L, frontend.get(0).newValue());
    r.assertOnlyRecordedFieldsChanged();
    // the default range again changes nothing
    assertEquals(List.of(), RuleRun.run(demo, rule("30000-32767")).changes());
  }

  @Test
  void portsInsideStayOutsideMoveCollisionsAreResolved() {
    ServiceObjects c = new ServiceObjects()
        .nodePortService("a", "inside", "10.96.0.2", 30100, 30101)
        .nodePortService("a", "outside", "10.96.0.3", 32000)
        .nodePortService("b", "collides", "10.96.0.4", 30100)   // 30100 is taken by a/inside
        .rangeAllocation("servicenodeports", "30000-32767", 100, 101, 2000);
    // one Service using one node port for TCP and UDP: both move together, as one port
    Map<String, Object> dns = c.serviceTree("b", "dns", "NodePort", List.of("10.96.0.10"), List.of(
        ServiceObjects.port("dns", "UDP", 53, 31000), ServiceObjects.port("dns-tcp", "TCP", 53, 31000)));
    ((Map<String, Object>) dns.get("spec")).put("healthCheckNodePort", 31001L);
    c.put(ServiceObjects.serviceKey("b", "dns"), dns);
    RuleRun.Result r = RuleRun.run(c.values(), rule("30000-30200"));
    assertPortsIn(r, PortRange.parse("t", "30000-30200"));
    // in key order: a/outside takes the first port of the dynamic band (offset 16), b/collides the next
    List<Long> inside = new ArrayList<>();
    Tree.list(r.object(ServiceObjects.serviceKey("a", "inside")), "spec", "ports")
        .forEach(p -> inside.add(Tree.number(p, "nodePort")));
    assertEquals(List.of(30100L, 30101L), inside, "ports inside the range stay");
    Map<String, Object> moved = r.object(ServiceObjects.serviceKey("b", "dns"));
    List<Object> dnsPorts = Tree.list(moved, "spec", "ports");
    assertEquals(Tree.number(dnsPorts.get(0), "nodePort"), Tree.number(dnsPorts.get(1), "nodePort"),
        "UDP and TCP keep sharing one node port");
    assertTrue(Tree.number(moved, "spec", "healthCheckNodePort") != Tree.number(dnsPorts.get(0), "nodePort"));
    assertEquals(List.of(new Change(ServiceObjects.serviceKey("b", "collides"), "node-port-range",
        "spec.ports[0].nodePort", 30100L, 30017L)), r.changesOf(ServiceObjects.serviceKey("b", "collides")));
    r.assertOnlyRecordedFieldsChanged();
  }

  @Test
  void aRangeTooSmallIsAnErrorBeforeAnythingIsWritten() {
    ServiceObjects c = new ServiceObjects()
        .nodePortService("a", "one", "10.96.0.2", 30100, 30101)
        .nodePortService("a", "two", "10.96.0.3", 32000);
    RewriteException e = assertThrows(RewriteException.class, () -> RuleRun.run(c.values(), rule("31000-31001")));
    assertEquals("node-port-range: --node-port-range 31000-31001 is too small: it holds 2 ports, but the cluster's "
        + "Services use 3 node ports", e.getMessage());
  }

  @Test
  void badRangesAreRefusedWithTheReason() {
    assertEquals("--node-port-range \"32767-30000\": the first port is above the last (expected FIRST-LAST, e.g. 30000-32767)",
        assertThrows(IllegalArgumentException.class, () -> PortRange.parse("--node-port-range", "32767-30000")).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> PortRange.parse("--node-port-range", "30000-70000"))
        .getMessage().contains("70000 is not a port"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> PortRange.parse("--node-port-range", "abc"))
        .getMessage().contains("\"abc\" is not a number"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> PortRange.parse("--node-port-range", "0-100"))
        .getMessage().contains("port 0"));
    assertEquals("30000-32767", PortRange.parse("x", "30000+2767").toString());
    assertEquals("30500-30500", PortRange.parse("x", "30500").toString());
  }
}
