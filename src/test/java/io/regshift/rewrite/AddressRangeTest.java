package io.regshift.rewrite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** IpAddress, Cidr and RangeBitmap against independent implementations and kube-apiserver's numbers. */
class AddressRangeTest {

  @Test
  void ipv6IsWrittenAsGoWritesIt() {
    String[][] cases = {
        {"fd00:10:96:0:0:0:0:a", "fd00:10:96::a"},
        {"FD00:0010:0096::000A", "fd00:10:96::a"},
        {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"}, // a single zero group stays
        {"2001:0:0:1:0:0:0:1", "2001:0:0:1::1"},          // the longer run is compressed
        {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},     // on a tie, the first
        {"::", "::"},
        {"::1", "::1"},
        {"1::", "1::"},
        {"::ffff:10.1.2.3", "::ffff:a01:203"},
    };
    for (String[] c : cases) {
      assertEquals(c[1], IpAddress.parse(c[0]).toString(), c[0]);
    }
  }

  @Test
  void parsingAgreesWithTheJdkOnRandomAddresses() throws Exception {
    Random random = new Random(7);
    for (int i = 0; i < 2000; i++) {
      byte[] raw = new byte[i % 2 == 0 ? 4 : 16];
      random.nextBytes(raw);
      if (raw.length == 16 && i % 3 == 0) {
        Arrays.fill(raw, 4, 4 + random.nextInt(12), (byte) 0); // zero runs
      }
      InetAddress jdk = InetAddress.getByAddress(raw);
      IpAddress ours = IpAddress.parse(jdk.getHostAddress());
      assertEquals(new BigInteger(1, raw), ours.value(), jdk.getHostAddress());
      // and our canonical text reads back to the same address in the JDK
      assertArrayEquals(raw, InetAddress.getByName(ours.toString()).getAddress(), ours.toString());
    }
  }

  @Test
  void allocatorSizesAndOffsetsAreKubeApiserversOwn() {
    Cidr v4 = Cidr.parse("t", "10.96.0.0/12");
    assertEquals(1048574, v4.allocatable()); // 2^20 minus network and broadcast
    assertEquals("10.96.0.1", v4.addressAt(0).toString());
    assertEquals(9, v4.offsetOf(IpAddress.parse("10.96.0.10")));
    assertEquals(-1, v4.offsetOf(IpAddress.parse("10.96.0.0")), "the network address is no offset");
    assertEquals(-1, v4.offsetOf(IpAddress.parse("10.111.255.255")), "nor the broadcast address");
    assertEquals(1048573, v4.offsetOf(IpAddress.parse("10.111.255.254")));
    assertEquals(256, v4.dynamicBandStart());
    assertEquals(254, Cidr.parse("t", "192.168.0.0/24").allocatable());
    assertEquals(16, Cidr.parse("t", "192.168.0.0/24").dynamicBandStart());
    assertEquals(0, Cidr.parse("t", "192.168.0.0/28").dynamicBandStart());
    assertEquals(65535, Cidr.parse("t", "fd00::/112").allocatable()); // IPv6 keeps the last address
    assertEquals(65535, Cidr.parse("t", "fd00::/64").allocatable());  // and the bitmap stops at 65536
    assertEquals(255, Cidr.parse("t", "fd00::/120").allocatable());
    assertEquals(65534, Cidr.parse("t", "fd00::/112").offsetOf(IpAddress.parse("fd00::ffff")));
    assertEquals("/28", Cidr.prefixFor(true, 8));
    assertEquals("/120", Cidr.prefixFor(false, 200));
  }

  @Test
  void invalidCidrsAreRefusedWithTheReason() {
    String[][] cases = {
        {"banana", "is not a CIDR: expected ADDRESS/PREFIX"},
        {"10.96.0.0", "is not a CIDR: expected ADDRESS/PREFIX"},
        {"10.96.0.0/33", "an IPv4 prefix is at most /32"},
        {"fd00::/129", "an IPv6 prefix is at most /128"},
        {"10.96.0.1/12", "has host bits set: the network is 10.96.0.0/12"},
        {"300.1.1.0/24", "300 is above 255"},
        {"10.96.0.0/x", "the prefix length \"x\" is not a number"},
        {"fd00::1::/64", "\"::\" may appear only once"},
        {"", "a CIDR is required"},
    };
    for (String[] c : cases) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cidr.parse("--service-cidr", c[0]));
      assertEquals(true, e.getMessage().startsWith("--service-cidr") && e.getMessage().contains(c[1]),
          c[0] + ": " + e.getMessage());
    }
  }

  @Test
  void theBitmapIsGosBigIntBytes() {
    // big.Int.Bytes(): the magnitude, big-endian, no leading zero byte; BigInteger has the same
    // magnitude but may add a sign byte, which Go never writes
    Random random = new Random(11);
    for (int i = 0; i < 500; i++) {
      RangeBitmap ours = RangeBitmap.empty();
      BigInteger go = BigInteger.ZERO;
      int[] offsets = IntStream.range(0, random.nextInt(40)).map(n -> random.nextInt(1 + random.nextInt(70000))).toArray();
      for (int o : offsets) {
        ours.set(o);
        go = go.setBit(o);
      }
      byte[] expected = go.toByteArray();
      if (expected.length > 1 && expected[0] == 0) {
        expected = Arrays.copyOfRange(expected, 1, expected.length);
      }
      if (go.signum() == 0) {
        expected = new byte[0];
      }
      assertArrayEquals(expected, ours.toBytes());
      assertArrayEquals(IntStream.of(offsets).sorted().distinct().toArray(), RangeBitmap.fromBytes(expected).offsets().toArray());
    }
    // kubernetes (offset 0) and kube-dns (offset 9): 0x02 0x01
    RangeBitmap two = RangeBitmap.empty();
    two.set(0);
    two.set(9);
    assertArrayEquals(new byte[] {2, 1}, two.toBytes());
  }
}
