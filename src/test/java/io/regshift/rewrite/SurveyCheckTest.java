package io.regshift.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regshift.kube.StoredValue;
import io.regshift.kube.ValueCodec;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The first pass of a snapshot rewrite checks that each value a rule would change decodes, with
 * less work than decoding it ({@link ValueCodec#check}): it must refuse exactly what a decode
 * refuses, with the same reason, or a value would be refused for nothing or fail mid-write.
 */
class SurveyCheckTest {

  @Test
  void theCheckRefusesWhatADecodeRefusesWithTheSameReason() {
    ValueCodec codec = ValueCodec.builtin();
    int ok = 0;
    int refused = 0;
    for (Map.Entry<String, byte[]> e : DemoCluster.values().entrySet()) {
      byte[] whole = e.getValue();
      // the value, and broken copies: cut short at several places, a byte flipped in the body
      byte[][] variants = {whole, Arrays.copyOf(whole, whole.length / 2), Arrays.copyOf(whole, whole.length - 3),
          flipped(whole, whole.length * 2 / 3), flipped(whole, whole.length - 1)};
      for (byte[] v : variants) {
        StoredValue decoded = codec.decode(e.getKey(), v, false);
        StoredValue checked = codec.check(e.getKey(), v);
        assertEquals(decoded.ok(), checked.ok(), e.getKey());
        assertEquals(decoded.error(), checked.error(), e.getKey());
        if (checked.ok()) {
          ok++;
        } else {
          refused++;
        }
      }
    }
    assertTrue(ok > 184 && refused > 100, ok + " decoded, " + refused + " refused");
  }

  private static byte[] flipped(byte[] value, int at) {
    byte[] copy = value.clone();
    copy[at] ^= (byte) 0xA5;
    return copy;
  }
}
