package io.regshift.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ByteSliceMapTest {

    @Test
    void findsWhatAHashMapOfStringsFindsForSlicesOfLargerArrays() {
        Random random = new Random(11);
        ByteSliceMap map = new ByteSliceMap(1 << 20);
        Map<String, Integer> reference = new HashMap<>();
        for (int i = 0; i < 20_000; i++) {
            String word = Integer.toString(random.nextInt(5_000), 36);
            byte[] padded = ("//" + word + "/x").getBytes(StandardCharsets.UTF_8);
            int got = map.get(padded, 2, 2 + word.length());
            Integer want = reference.get(word);
            assertEquals(want == null ? ByteSliceMap.ABSENT : want, got, word);
            if (want == null) {
                map.put(padded, 2, 2 + word.length(), i);
                reference.put(word, i);
            }
        }
        assertEquals(ByteSliceMap.ABSENT, map.get(new byte[] {1, 2, 3}, 0, 0));
    }

    @Test
    void holdsNoMoreThanItsCapacity() {
        ByteSliceMap map = new ByteSliceMap(3);
        for (int i = 0; i < 10; i++) {
            byte[] k = {(byte) i};
            map.put(k, 0, 1, i);
        }
        int held = 0;
        for (int i = 0; i < 10; i++) {
            if (map.get(new byte[] {(byte) i}, 0, 1) != ByteSliceMap.ABSENT) {
                held++;
            }
        }
        assertEquals(3, held);
    }
}
