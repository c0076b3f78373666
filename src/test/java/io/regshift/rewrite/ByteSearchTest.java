package io.regshift.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The skipping search finds exactly what a byte-by-byte search finds. */
class ByteSearchTest {

  private static int naive(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void findsANamespaceNameWhereverItIs() {
    ByteSearch s = new ByteSearch(bytes("team-01836"));
    assertEquals(0, s.indexIn(bytes("team-01836")));
    assertEquals(7, s.indexIn(bytes("\n\u0012team-team-01836\u001a")), "after a false start");
    assertEquals(4, s.indexIn(bytes("ns: team-01836-team-01836")), "the first of two");
    assertFalse(s.foundIn(bytes("team-0183")), "a prefix of the needle at the end");
    assertFalse(s.foundIn(bytes("team-01837 team-1836 eam-01836")));
    assertFalse(s.foundIn(new byte[0]));
  }

  @Test
  void bytesAboveSevenBitsAndRepeatsAreMatchedExactly() {
    byte[] needle = {(byte) 0xff, 0x00, (byte) 0xff, (byte) 0x80};
    ByteSearch s = new ByteSearch(needle);
    byte[] hay = {(byte) 0xff, 0x00, (byte) 0xff, 0x00, (byte) 0xff, (byte) 0x80, 1};
    assertEquals(2, s.indexIn(hay));
    assertTrue(new ByteSearch(new byte[0]).foundIn(hay), "the empty string is everywhere");
  }

  @Test
  void agreesWithAByteByByteSearchOnRandomValues() {
    Random r = new Random(42);
    for (int round = 0; round < 20_000; round++) {
      byte[] hay = new byte[r.nextInt(200)];
      for (int i = 0; i < hay.length; i++) {
        hay[i] = (byte) ("ab-\u00ff".charAt(r.nextInt(4)));
      }
      byte[] needle = new byte[1 + r.nextInt(6)];
      if (hay.length > needle.length && r.nextBoolean()) {
        System.arraycopy(hay, r.nextInt(hay.length - needle.length), needle, 0, needle.length);
      } else {
        for (int i = 0; i < needle.length; i++) {
          needle[i] = (byte) ("ab-\u00ff".charAt(r.nextInt(4)));
        }
      }
      assertEquals(naive(hay, needle), new ByteSearch(needle).indexIn(hay), () -> "round with needle of " + needle.length);
    }
  }

  /** Namespace-like needles in text-like values, up to 16 bytes: the long moves skip nothing. */
  @Test
  void agreesWithAByteByByteSearchOnTextAndLongNeedles() {
    Random r = new Random(4242);
    String alphabet = "team-0123456789abcdefghijklmnopqrstuvwxyz\"\n";
    for (int round = 0; round < 20_000; round++) {
      byte[] needle = new byte[3 + r.nextInt(14)];
      for (int i = 0; i < needle.length; i++) {
        needle[i] = (byte) alphabet.charAt(r.nextInt(r.nextBoolean() ? 6 : alphabet.length()));
      }
      byte[] hay = new byte[r.nextInt(400)];
      for (int i = 0; i < hay.length; i++) {
        hay[i] = (byte) alphabet.charAt(r.nextInt(r.nextBoolean() ? 6 : alphabet.length()));
      }
      if (hay.length > needle.length && r.nextInt(3) == 0) {
        System.arraycopy(needle, 0, hay, r.nextInt(hay.length - needle.length + 1), needle.length);
      }
      assertEquals(naive(hay, needle), new ByteSearch(needle).indexIn(hay), new String(hay, StandardCharsets.ISO_8859_1)
          + " / " + new String(needle, StandardCharsets.ISO_8859_1));
    }
  }
}
