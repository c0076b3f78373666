package io.regshift.rewrite;

import java.util.Base64;
import java.util.BitSet;
import java.util.stream.IntStream;

/**
 * The {@code data} of a RangeAllocation (/registry/ranges/serviceips, secondaryserviceips,
 * servicenodeports): Go's {@code big.Int.Bytes()} of an integer whose bit i (value 2^i) says
 * offset i is allocated. Big-endian, no leading zero byte, empty when nothing is allocated.
 */
public final class RangeBitmap {
  private final BitSet bits;

  private RangeBitmap(BitSet bits) {
    this.bits = bits;
  }

  public static RangeBitmap empty() {
    return new RangeBitmap(new BitSet());
  }

  /** Reads stored bytes (leading zero bytes, which Go never writes, are accepted). */
  public static RangeBitmap fromBytes(byte[] bigEndian) {
    return new RangeBitmap(BitSet.valueOf(reversed(bigEndian)));
  }

  /** Reads the base64 form a bytes field has in a decoded tree. */
  public static RangeBitmap fromBase64(String data) {
    return fromBytes(Base64.getDecoder().decode(data == null ? "" : data));
  }

  public void set(int offset) {
    bits.set(offset);
  }

  public boolean get(int offset) {
    return bits.get(offset);
  }

  /** How many offsets are allocated. */
  public int count() {
    return bits.cardinality();
  }

  /** The allocated offsets, ascending. */
  public IntStream offsets() {
    return bits.stream();
  }

  /** The stored form: big-endian, minimal, as {@code big.Int.Bytes()} gives it. */
  public byte[] toBytes() {
    return reversed(bits.toByteArray()); // toByteArray is little-endian and drops high zero bytes
  }

  public String toBase64() {
    return Base64.getEncoder().encodeToString(toBytes());
  }

  private static byte[] reversed(byte[] in) {
    byte[] out = new byte[in.length];
    for (int i = 0; i < in.length; i++) {
      out[i] = in[in.length - 1 - i];
    }
    return out;
  }
}
