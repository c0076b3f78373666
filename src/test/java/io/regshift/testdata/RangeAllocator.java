package io.regshift.testdata;

import java.util.Base64;
import java.util.BitSet;
import java.util.Map;

/**
 * kube-apiserver's bitmap allocators for service cluster IPs and node ports, and the
 * {@code RangeAllocation} objects they keep at {@code /registry/ranges/serviceips} and
 * {@code /registry/ranges/servicenodeports}: bit i of a big-endian integer is offset i.
 */
final class RangeAllocator {
  private final String range;
  private final long base; // IPv4 address of offset 0 (network + 1), or the first port
  private final int size; // number of offsets
  private final int dynamicFrom; // random allocation prefers offsets from here on
  private final BitSet bits = new BitSet();
  private int allocated;

  private RangeAllocator(String range, long base, int size, int dynamicFrom) {
    this.range = range;
    this.base = base;
    this.size = size;
    this.dynamicFrom = dynamicFrom;
  }

  /** An IPv4 service CIDR such as "10.96.0.0/12": network and broadcast addresses excluded. */
  static RangeAllocator serviceIps(String cidr) {
    String[] parts = cidr.split("/");
    int prefix = Integer.parseInt(parts[1]);
    long network = ipToLong(parts[0]);
    int size = (int) ((1L << (32 - prefix)) - 2);
    // ipallocator's randomScanStrategyWithOffset: the low band is kept for static addresses
    int offset = (int) Math.min(Math.max(16, (size + 2) / 16), 256);
    return new RangeAllocator(cidr, network + 1, size, offset);
  }

  /** A node port range such as 30000-32767. */
  static RangeAllocator nodePorts(int first, int last) {
    int size = last - first + 1;
    int offset = Math.min(Math.max(16, size / 32), 128);
    return new RangeAllocator(first + "-" + last, first, size, offset);
  }

  String range() {
    return range;
  }

  int allocatedCount() {
    return allocated;
  }

  /** Marks an address or port chosen by the user (e.g. kube-dns' 10.96.0.10). */
  void allocate(long value) {
    int offset = (int) (value - base);
    if (offset < 0 || offset >= size) {
      throw new IllegalArgumentException(value + " is outside " + range);
    }
    if (bits.get(offset)) {
      throw new IllegalStateException(value + " is already allocated in " + range);
    }
    bits.set(offset);
    allocated++;
  }

  void allocateIp(String ip) {
    allocate(ipToLong(ip));
  }

  /** A random free offset in the dynamic band, as AllocateNext picks. */
  long allocateNext(Seeded random) {
    if (allocated >= size - dynamicFrom) {
      throw new IllegalStateException("range " + range + " is full");
    }
    while (true) {
      int offset = random.between(dynamicFrom, size);
      if (!bits.get(offset)) {
        bits.set(offset);
        allocated++;
        return base + offset;
      }
    }
  }

  String allocateNextIp(Seeded random) {
    return longToIp(allocateNext(random));
  }

  void release(long value) {
    int offset = (int) (value - base);
    if (bits.get(offset)) {
      bits.clear(offset);
      allocated--;
    }
  }

  /** {@code big.Int.Bytes()} of the bitmap: big-endian, no leading zero byte, empty when none. */
  byte[] data() {
    byte[] littleEndian = bits.toByteArray(); // bit i is byte i/8, bit i%8; no trailing zeros
    byte[] out = new byte[littleEndian.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = littleEndian[out.length - 1 - i];
    }
    return out;
  }

  /**
   * The stored object. The allocator writes it through the raw storage interface, not the
   * registry, so its metadata is empty: no name, no uid, no creationTimestamp.
   */
  Map<String, Object> rangeAllocation() {
    return Trees.map(
        "apiVersion", "v1",
        "kind", "RangeAllocation",
        "metadata", Trees.map(),
        "range", range,
        "data", Base64.getEncoder().encodeToString(data()));
  }

  static long ipToLong(String ip) {
    String[] o = ip.split("\\.");
    return (Long.parseLong(o[0]) << 24) | (Long.parseLong(o[1]) << 16) | (Long.parseLong(o[2]) << 8)
        | Long.parseLong(o[3]);
  }

  static String longToIp(long v) {
    return ((v >> 24) & 255) + "." + ((v >> 16) & 255) + "." + ((v >> 8) & 255) + "." + (v & 255);
  }
}
