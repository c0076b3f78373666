package io.regshift.kube.proto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** RFC 3339 times as objects are encoded again: the direct reading of the usual form agrees with java.time. */
class GoTimeTest {

  @Test
  void theUsualFormReadsAsJavaTimeReadsIt() {
    Random random = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      // years 0000 to 9999, leap days included
      long second = Math.floorMod(random.nextLong(), 253_402_300_800L) - 62_167_219_200L;
      String s = Instant.ofEpochSecond(second).toString();
      if (s.length() != 20) {
        continue; // Instant prints years before 1000 and after 9999 differently; those are the slow path
      }
      Instant t = OffsetDateTime.parse(s).toInstant();
      assertArrayEquals(new long[] {t.getEpochSecond(), t.getNano()}, GoTime.parseRfc3339(s), s);
    }
    assertArrayEquals(new long[] {951_782_400L, 0}, GoTime.parseRfc3339("2000-02-29T00:00:00Z"));
    assertArrayEquals(new long[] {-62_167_219_200L, 0}, GoTime.parseRfc3339("0000-01-01T00:00:00Z"));
  }

  @Test
  void otherFormsAndImpossibleTimesAreAsBefore() {
    assertArrayEquals(new long[] {1_714_564_800L, 123_456_000}, GoTime.parseRfc3339("2024-05-01T12:00:00.123456Z"));
    assertArrayEquals(new long[] {1_714_557_600L, 0}, GoTime.parseRfc3339("2024-05-01T12:00:00+02:00"));
    for (String bad : new String[] {"2023-02-29T00:00:00Z", "2024-04-31T00:00:00Z", "2024-01-01T24:00:00Z",
        "2024-01-01T00:60:00Z", "2024-13-01T00:00:00Z", "2024-01-01T00:00:0xZ", "2024-01-01 00:00:00Z"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GoTime.parseRfc3339(bad), bad);
      assertEquals("not an RFC 3339 time: \"" + bad + "\"", e.getMessage());
    }
  }
}
