package io.regshift.rewrite;

import java.math.BigInteger;

/**
 * A service IP range as kube-apiserver's IP allocator sees it (ipallocator/bitmap.go): offset 0
 * is the address after the network address; IPv4 leaves out the network and broadcast
 * addresses (size − 2 offsets), IPv6 only the network address and at most 65536 − 1 offsets
 * (the bitmap's limit).
 *
 * @param network the network address (host bits zero)
 * @param prefix  the prefix length
 */
public record Cidr(IpAddress network, int prefix) {

  /** kube-apiserver refuses service ranges with more host bits while it keeps the bitmap. */
  public static final int MAX_BITMAP_HOST_BITS = 20;

  public Cidr {
    if (prefix < 0 || prefix > network.bits()) {
      throw new IllegalArgumentException("prefix /" + prefix + " out of range");
    }
  }

  /**
   * Parses a CIDR given on the command line or stored in a RangeAllocation or ServiceCIDR.
   *
   * @param what names the input in the message, e.g. "--service-cidr"
   * @throws IllegalArgumentException one line: what, the text, and why it is not a network
   */
  public static Cidr parse(String what, String text) {
    String shown = what + " \"" + text + "\"";
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(what + ": a CIDR is required, e.g. 10.96.0.0/12");
    }
    int slash = text.indexOf('/');
    if (slash < 0 || slash != text.lastIndexOf('/')) {
      throw new IllegalArgumentException(shown + " is not a CIDR: expected ADDRESS/PREFIX, e.g. 10.96.0.0/12");
    }
    IpAddress address;
    try {
      address = IpAddress.parse(text.substring(0, slash));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(shown + " is not a CIDR: " + e.getMessage());
    }
    String len = text.substring(slash + 1);
    if (len.isEmpty() || len.length() > 3 || !len.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException(shown + " is not a CIDR: the prefix length \"" + len + "\" is not a number");
    }
    int prefix = Integer.parseInt(len);
    if (prefix > address.bits()) {
      throw new IllegalArgumentException(shown + " is not a CIDR: an " + address.family() + " prefix is at most /"
          + address.bits());
    }
    Cidr cidr = new Cidr(new IpAddress(address.value().and(mask(address.bits(), prefix)), address.bits()), prefix);
    if (!cidr.network().equals(address)) {
      throw new IllegalArgumentException(shown + " has host bits set: the network is " + cidr);
    }
    return cidr;
  }

  private static BigInteger mask(int bits, int prefix) {
    BigInteger all = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
    BigInteger host = BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE);
    return all.xor(host);
  }

  public boolean isIpv4() {
    return network.isIpv4();
  }

  /** "IPv4" or "IPv6". */
  public String family() {
    return network.family();
  }

  public int hostBits() {
    return network.bits() - prefix;
  }

  /** How many addresses the range has, network and broadcast included. */
  public BigInteger size() {
    return BigInteger.ONE.shiftLeft(hostBits());
  }

  /** How many offsets the allocator hands out: size − 2 (IPv4), min(size, 65536) − 1 (IPv6). */
  public long allocatable() {
    long n = isIpv4() ? size().longValue() - 2 : size().min(BigInteger.valueOf(65536)).longValue() - 1;
    return Math.max(0, n);
  }

  /** Offset 0: the address after the network address. */
  public IpAddress base() {
    return network.plus(BigInteger.ONE);
  }

  public boolean contains(IpAddress ip) {
    return ip.bits() == network.bits() && ip.value().and(mask(network.bits(), prefix)).equals(network.value());
  }

  /** The allocator's offset of {@code ip}, or -1 when the allocator cannot hand it out here. */
  public long offsetOf(IpAddress ip) {
    if (!contains(ip)) {
      return -1;
    }
    BigInteger offset = ip.value().subtract(base().value());
    if (offset.signum() < 0 || offset.compareTo(BigInteger.valueOf(allocatable())) >= 0) {
      return -1;
    }
    return offset.longValueExact();
  }

  /** The address at {@code offset} (0 ≤ offset < {@link #allocatable()}). */
  public IpAddress addressAt(long offset) {
    if (offset < 0 || offset >= allocatable()) {
      throw new IllegalArgumentException("offset " + offset + " is outside " + this);
    }
    return base().plus(BigInteger.valueOf(offset));
  }

  /**
   * Where kube-apiserver's dynamic allocation starts (calculateRangeOffset: min(max(16,
   * size/16), 256), 0 for ranges of 16 addresses or fewer); the band below is kept for
   * addresses users choose.
   */
  public long dynamicBandStart() {
    BigInteger size = size();
    if (size.compareTo(BigInteger.valueOf(16)) <= 0) {
      return 0;
    }
    BigInteger band = size.divide(BigInteger.valueOf(16));
    return band.max(BigInteger.valueOf(16)).min(BigInteger.valueOf(256)).longValue();
  }

  /** The largest prefix of this family whose allocator holds {@code addresses} addresses, e.g. "/27"; null when none does. */
  public static String prefixFor(boolean ipv4, long addresses) {
    int bits = ipv4 ? 32 : 128;
    for (int host = 0; host <= (ipv4 ? 32 : 16); host++) {
      long n = ipv4 ? (1L << host) - 2 : (1L << host) - 1;
      if (n >= addresses) {
        return "/" + (bits - host);
      }
    }
    return null;
  }

  /** As Go's {@code net.IPNet.String()} writes it, e.g. "10.96.0.0/12" or "fd00:10:96::/112". */
  @Override
  public String toString() {
    return network + "/" + prefix;
  }
}
