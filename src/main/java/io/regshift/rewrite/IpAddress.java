package io.regshift.rewrite;

import java.math.BigInteger;
import java.util.Objects;

/**
 * An IPv4 or IPv6 address as an unsigned integer, written the way Go's {@code net.IP.String()}
 * and {@code netip.Addr.String()} write it (dotted quad; RFC 5952 for IPv6: lower case, no
 * leading zeros, the longest run of two or more zero groups as "::"). kube-apiserver names
 * IPAddress objects and writes cluster IPs in this form, so comparing canonical strings is exact.
 *
 * @param value the address as an unsigned integer
 * @param bits  32 for IPv4, 128 for IPv6
 */
public record IpAddress(BigInteger value, int bits) implements Comparable<IpAddress> {

  public IpAddress {
    Objects.requireNonNull(value, "value");
    if (bits != 32 && bits != 128) {
      throw new IllegalArgumentException("bits must be 32 or 128");
    }
    if (value.signum() < 0 || value.bitLength() > bits) {
      throw new IllegalArgumentException("address out of range for " + bits + " bits");
    }
  }

  public boolean isIpv4() {
    return bits == 32;
  }

  /** "IPv4" or "IPv6", as Kubernetes spells IP families. */
  public String family() {
    return isIpv4() ? "IPv4" : "IPv6";
  }

  /**
   * Parses a dotted quad (leading zeros read as decimal, as Kubernetes' sloppy parser does) or an
   * IPv6 address (with "::" and an optional dotted-quad tail).
   *
   * @throws IllegalArgumentException saying why {@code text} is not an IP address
   */
  public static IpAddress parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("an empty string is not an IP address");
    }
    if (text.indexOf(':') >= 0) {
      return new IpAddress(parseIpv6(text), 128);
    }
    return new IpAddress(BigInteger.valueOf(parseIpv4(text, text)), 32);
  }

  private static long parseIpv4(String text, String whole) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      throw notAnAddress(whole, "an IPv4 address has four dot-separated numbers");
    }
    long v = 0;
    for (String part : parts) {
      if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw notAnAddress(whole, "\"" + part + "\" is not a number from 0 to 255");
      }
      int n = Integer.parseInt(part);
      if (n > 255) {
        throw notAnAddress(whole, part + " is above 255");
      }
      v = (v << 8) | n;
    }
    return v;
  }

  private static BigInteger parseIpv6(String text) {
    if (text.indexOf('%') >= 0) {
      throw notAnAddress(text, "zones (%...) are not allowed");
    }
    int gap = text.indexOf("::");
    if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
      throw notAnAddress(text, "\"::\" may appear only once");
    }
    String head = gap >= 0 ? text.substring(0, gap) : text;
    String tail = gap >= 0 ? text.substring(gap + 2) : "";
    int[] headGroups = groups(head, text, gap < 0);
    int[] tailGroups = gap >= 0 ? groups(tail, text, true) : new int[0];
    int total = headGroups.length + tailGroups.length;
    if (gap < 0 ? total != 8 : total > 7) {
      throw notAnAddress(text, "an IPv6 address has eight 16-bit groups");
    }
    int[] all = new int[8];
    System.arraycopy(headGroups, 0, all, 0, headGroups.length);
    System.arraycopy(tailGroups, 0, all, 8 - tailGroups.length, tailGroups.length);
    BigInteger v = BigInteger.ZERO;
    for (int g : all) {
      v = v.shiftLeft(16).or(BigInteger.valueOf(g));
    }
    return v;
  }

  // Colon-separated hex groups; the last may be a dotted quad (two groups) when it ends the address.
  private static int[] groups(String part, String whole, boolean endsAddress) {
    if (part.isEmpty()) {
      return new int[0];
    }
    String[] fields = part.split(":", -1);
    int extra = endsAddress && fields[fields.length - 1].indexOf('.') >= 0 ? 1 : 0;
    int[] out = new int[fields.length + extra];
    for (int i = 0; i < fields.length; i++) {
      String f = fields[i];
      if (i == fields.length - 1 && extra == 1) {
        long v4 = parseIpv4(f, whole);
        out[i] = (int) (v4 >>> 16);
        out[i + 1] = (int) (v4 & 0xffff);
        continue;
      }
      if (f.isEmpty() || f.length() > 4 || !f.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
        throw notAnAddress(whole, "\"" + f + "\" is not a 16-bit hex group");
      }
      out[i] = Integer.parseInt(f, 16);
    }
    return out;
  }

  private static IllegalArgumentException notAnAddress(String text, String why) {
    return new IllegalArgumentException("\"" + text + "\" is not an IP address: " + why);
  }

  /** This address plus {@code n} (which may be negative), in the same family. */
  public IpAddress plus(BigInteger n) {
    return new IpAddress(value.add(n), bits);
  }

  @Override
  public String toString() {
    if (isIpv4()) {
      long v = value.longValue();
      return ((v >> 24) & 255) + "." + ((v >> 16) & 255) + "." + ((v >> 8) & 255) + "." + (v & 255);
    }
    int[] g = new int[8];
    BigInteger v = value;
    for (int i = 7; i >= 0; i--) {
      g[i] = v.intValue() & 0xffff;
      v = v.shiftRight(16);
    }
    // the longest run of at least two zero groups, the first one on a tie
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      if (g[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out.append("::");
        i += bestLength - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(g[i]));
    }
    return out.toString();
  }

  @Override
  public int compareTo(IpAddress o) {
    int c = Integer.compare(bits, o.bits);
    return c != 0 ? c : value.compareTo(o.value);
  }
}
