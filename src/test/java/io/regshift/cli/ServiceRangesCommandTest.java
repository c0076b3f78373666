package io.regshift.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regshift.etcd.EntryReader;
import io.regshift.etcd.EtcdDatabase;
import io.regshift.etcd.KeyRange;
import io.regshift.etcd.MvccEntry;
import io.regshift.etcd.ReadView;
import io.regshift.kube.Json;
import io.regshift.kube.ValueCodec;
import io.regshift.rewrite.Cidr;
import io.regshift.rewrite.IpAddress;
import io.regshift.rewrite.RangeBitmap;
import io.regshift.testing.EtcdExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * --service-cidr and --node-port-range on the demo snapshot: restored into a real etcd and read
 * back with etcdctl, exported as JSON, and refused before anything is written on bad input.
 */
class ServiceRangesCommandTest {
  static final Path DEMO = Path.of("test-data", "demo-cluster.db");
  @RegisterExtension EtcdExtension target = new EtcdExtension();
  @TempDir Path tmp;

  /** The demo's live values, base64 by key, as the snapshot holds them. */
  private static Map<String, String> demoValues() {
    Map<String, String> out = new LinkedHashMap<>();
    try (EtcdDatabase db = EtcdDatabase.open(DEMO); EntryReader r = db.read(ReadView.latest(), KeyRange.prefix("/registry/"))) {
      for (MvccEntry e = r.next(); e != null; e = r.next()) {
        out.put(e.keyString(), Base64.getEncoder().encodeToString(e.value()));
      }
    }
    return out;
  }

  private static Map<String, Object> decode(String base64) {
    return ValueCodec.builtin().decode(Base64.getDecoder().decode(base64)).object();
  }

  @SuppressWarnings("unchecked")
  private static Object at(Object tree, String... path) {
    Object at = tree;
    for (String p : path) {
      at = at instanceof Map<?, ?> m ? ((Map<String, Object>) m).get(p) : null;
    }
    return at;
  }

  @Test
  void restoreMovesServiceIpsAndNodePortsAndTheBitmapsFollow() throws Exception {
    Path report = tmp.resolve("report.jsonl");
    CliRun r = CliRun.of("restore", DEMO.toString(), "--endpoints", target.endpoint(), "--journal",
        tmp.resolve("journal").toString(), "--service-cidr", "10.100.0.0/16", "--node-port-range", "31000-31099",
        "--report", report.toString());
    assertEquals(0, r.code(), r.show());
    Map<String, RestoreCommandTest.Stored> restored = RestoreCommandTest.registry(target.endpoint());
    Map<String, String> demo = demoValues();
    demo.keySet().removeIf(k -> k.startsWith("/registry/events/") || k.startsWith("/registry/masterleases/"));
    assertEquals(demo.keySet(), restored.keySet());

    Cidr cidr = Cidr.parse("t", "10.100.0.0/16");
    Set<IpAddress> ips = new HashSet<>();
    Set<Long> offsets = new TreeSet<>();
    Set<Long> nodePorts = new TreeSet<>();
    Set<String> changedKeys = new TreeSet<>();
    for (Map.Entry<String, RestoreCommandTest.Stored> e : restored.entrySet()) {
      String key = e.getKey();
      if (!demo.get(key).equals(e.getValue().value())) {
        changedKeys.add(key);
      }
      if (!key.startsWith("/registry/services/specs/")) {
        continue;
      }
      Map<String, Object> svc = decode(e.getValue().value());
      String ip = (String) at(svc, "spec", "clusterIP");
      assertEquals(List.of(ip), at(svc, "spec", "clusterIPs"), key);
      IpAddress address = IpAddress.parse(ip);
      assertTrue(cidr.offsetOf(address) >= 0, key + ": " + ip + " outside " + cidr);
      assertTrue(ips.add(address), key + ": " + ip + " is taken twice");
      offsets.add(cidr.offsetOf(address));
      for (Object port : (List<?>) at(svc, "spec", "ports")) {
        Object nodePort = at(port, "nodePort");
        if (nodePort != null) {
          assertTrue(nodePorts.add(((Number) nodePort).longValue()), key + " node port " + nodePort);
        }
      }
    }
    assertEquals("10.100.0.1", at(decode(restored.get("/registry/services/specs/default/kubernetes").value()), "spec", "clusterIP"));
    assertEquals("10.100.0.10", at(decode(restored.get("/registry/services/specs/kube-system/kube-dns").value()), "spec", "clusterIP"));
    Map<String, Object> serviceIps = decode(restored.get("/registry/ranges/serviceips").value());
    assertEquals("10.100.0.0/16", serviceIps.get("range"));
    Set<Long> bits = new TreeSet<>();
    RangeBitmap.fromBase64((String) serviceIps.get("data")).offsets().forEach(o -> bits.add((long) o));
    assertEquals(offsets, bits, "the bitmap's set bits are exactly the services' offsets");
    Map<String, Object> ports = decode(restored.get("/registry/ranges/servicenodeports").value());
    assertEquals("31000-31099", ports.get("range"));
    Set<Long> portBits = new TreeSet<>();
    RangeBitmap.fromBase64((String) ports.get("data")).offsets().forEach(o -> portBits.add(31000L + o));
    assertFalse(nodePorts.isEmpty());
    assertEquals(nodePorts, portBits);
    nodePorts.forEach(p -> assertTrue(p >= 31000 && p <= 31099, p + " outside the range"));

    // the report names every changed key, each service with its old → new address
    List<Map<?, ?>> lines = new ArrayList<>();
    for (String line : Files.readAllLines(report)) {
      lines.add((Map<?, ?>) Json.parse(line));
    }
    Set<String> reported = new TreeSet<>();
    lines.stream().filter(l -> !"resource-version".equals(l.get("rule"))).forEach(l -> reported.add((String) l.get("key")));
    assertEquals(changedKeys, reported, "the values that differ from the source are the ones the report names");
    assertTrue(lines.stream().anyMatch(l -> "/registry/services/specs/kube-system/kube-dns".equals(l.get("key"))
        && "spec.clusterIP".equals(l.get("path")) && "10.96.0.10".equals(l.get("old")) && "10.100.0.10".equals(l.get("new"))),
        lines.toString());
  }

  @Test
  void exportShowsTheNewAddressesAndTheSameRangeChangesNothing() {
    CliRun r = CliRun.of("export", DEMO.toString(), "-o", "json", "--service-cidr", "fd00:10:96::/112");
    assertEquals(2, r.code(), "an IPv4 cluster's range cannot become IPv6\n" + r.show());
    assertTrue(r.err().contains("--service-cidr fd00:10:96::/112 is IPv6 but the cluster's primary service range"), r.show());
    assertEquals(1, r.err().strip().lines().count(), r.show());

    CliRun same = CliRun.of("export", DEMO.toString(), "-o", "json", "--service-cidr", "10.96.0.0/12",
        "--node-port-range", "30000-32767");
    assertEquals(0, same.code(), same.show());
    assertEquals(CliRun.of("export", DEMO.toString(), "-o", "json").out(), same.out());
  }

  @Test
  void anArchiveBackupCarriesTheNewAddresses() {
    Path archive = tmp.resolve("moved.tar.gz");
    CliRun b = CliRun.of("backup", DEMO.toString(), "-f", archive.toString(), "--service-cidr", "10.100.0.0/16",
        "--node-port-range", "31000-31099");
    assertEquals(0, b.code(), b.show());
    CliRun dns = CliRun.of("get", archive.toString(), "svc/kube-dns", "-n", "kube-system", "-o", "json");
    assertEquals(0, dns.code(), dns.show());
    assertEquals("10.100.0.10", at(Json.parse(dns.out()), "spec", "clusterIP"));
    CliRun range = CliRun.of("get", archive.toString(), "/registry/ranges/servicenodeports", "-o", "json");
    assertEquals("31000-31099", at(Json.parse(range.out()), "range"), range.show());
    CliRun verify = CliRun.of("verify", archive.toString());
    assertEquals(0, verify.code(), verify.show());
  }

  @Test
  void badInputIsRefusedBeforeAnythingIsWritten() {
    String[][] cases = {
        {"--service-cidr", "10.100.0.1/16", "--service-cidr \"10.100.0.1/16\" has host bits set: the network is 10.100.0.0/16"},
        {"--service-cidr", "10.100.0.0/33", "an IPv4 prefix is at most /32"},
        {"--service-cidr", "10.100.0.0/30", "--service-cidr 10.100.0.0/30 is too small: it has 2 addresses for Services, "
            + "but the cluster has 6 IPv4 Service IPs; it needs at least a /29"},
        {"--service-cidr", "10.0.0.0/8", "too large for the bitmap at /registry/ranges/serviceips"},
        {"--node-port-range", "0-100", "--node-port-range \"0-100\": port 0 cannot be a node port"},
        {"--node-port-range", "3l000-32000", "\"3l000\" is not a number"},
        {"--node-port-range", "32000-31000", "the first port is above the last"},
    };
    for (String[] c : cases) {
      CliRun r = CliRun.of("restore", DEMO.toString(), "--endpoints", target.endpoint(), "--journal",
          tmp.resolve("journal").toString(), c[0], c[1]);
      assertEquals(2, r.code(), r.show());
      assertTrue(r.err().contains(c[2]), c[1] + ": " + r.show());
      assertEquals(1, r.err().strip().lines().count(), "one line, no stack trace: " + r.show());
      assertTrue(RestoreCommandTest.registry(target.endpoint()).isEmpty(), "nothing written: " + r.show());
    }
    CliRun narrowed = CliRun.of("export", DEMO.toString(), "-n", "shop", "--service-cidr", "10.100.0.0/16");
    assertEquals(2, narrowed.code(), narrowed.show());
    assertTrue(narrowed.err().contains("allocate over every Service of the cluster; leave out -n, --kind, -l"), narrowed.show());
    CliRun labelled = CliRun.of("export", DEMO.toString(), "-l", "app=shop", "--service-cidr", "10.100.0.0/16");
    assertEquals(2, labelled.code(), labelled.show());
    assertTrue(labelled.err().contains("allocate over every Service of the cluster"), labelled.show());
  }
}
