package io.regshift.kube;

import static io.regshift.kube.JsonTrees.hex;
import static io.regshift.kube.JsonTrees.list;
import static io.regshift.kube.JsonTrees.map;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Trees written as Kubernetes writes them (apimachinery modes/encode.go). */
class CborEncodeTest {

    static List<Arguments> encodings() {
        return List.of(
                Arguments.of(0L, "00"),
                Arguments.of(23L, "17"),
                Arguments.of(24L, "1818"),
                Arguments.of(1000L, "1903e8"),
                Arguments.of(1000000L, "1a000f4240"),
                Arguments.of(1000000000000L, "1b000000e8d4a51000"),
                Arguments.of(-1000L, "3903e7"),
                Arguments.of(Long.MIN_VALUE, "3b7fffffffffffffff"),
                Arguments.of(new BigInteger("18446744073709551615"), "1bffffffffffffffff"),
                Arguments.of(new BigInteger("-18446744073709551616"), "3bffffffffffffffff"),
                Arguments.of(new BigInteger("18446744073709551616"), "c249010000000000000000"),
                Arguments.of(new BigInteger("-18446744073709551617"), "c349010000000000000000"),
                // floats: narrowest width that keeps the value (ShortestFloat16)
                Arguments.of(0.0, "f90000"),
                Arguments.of(-0.0, "f98000"),
                Arguments.of(1.0, "f93c00"),
                Arguments.of(65504.0, "f97bff"),
                Arguments.of(5.960464477539063e-8, "f90001"),
                Arguments.of(100000.0, "fa47c35000"),
                Arguments.of(3.4028234663852886e+38, "fa7f7fffff"),
                Arguments.of(1.1, "fb3ff199999999999a"),
                Arguments.of(1.0e+300, "fb7e37e43c8800759c"),
                Arguments.of(false, "f4"),
                Arguments.of(true, "f5"),
                Arguments.of(null, "f6"),
                // strings as byte strings (StringToByteString)
                Arguments.of("", "40"),
                Arguments.of("IETF", "4449455446"),
                Arguments.of("\u6c34", "43e6b0b4"),
                Arguments.of(list(1L, list(2L, 3L)), "8201820203"),
                // keys sorted by encoded bytes: "Amt" and "Fun" swap (Appendix A re-encoding)
                Arguments.of(map("Fun", true, "Amt", -2L), "a243416d74214346756ef5"),
                // a shorter key sorts first whatever its letters
                Arguments.of(map("aa", 1L, "b", 2L), "a241620242616101"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("encodings")
    void writesTheBytesKubernetesWrites(Object tree, String hex) {
        assertArrayEquals(hex("d9d9f7" + hex), Cbor.encode(tree));
    }

    @Test
    void keysOf24BytesOrMoreSortAfterShorterOnes() {
        String longKey = "a".repeat(24);
        byte[] encoded = Cbor.encode(map(longKey, 1L, "z", 2L));
        assertArrayEquals(hex("d9d9f7a2417a02" + "5818" + "61".repeat(24) + "01"), encoded);
    }

    @Test
    void refusesNaNAndInfinitiesAsKubernetesDoes() {
        assertThrows(IllegalArgumentException.class, () -> Cbor.encode(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Cbor.encode(list(Double.POSITIVE_INFINITY)));
    }

    @Test
    void refusesValuesOutsideTheJsonTree() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> Cbor.encode(map("spec", map("when", new java.util.Date()))));
        assertEquals("cannot encode java.util.Date at $.spec.when: not a JSON tree value", error.getMessage());
    }

    @Test
    void roundTripsRandomTrees() {
        Random random = new Random(8949);
        for (int i = 0; i < 2000; i++) {
            Object tree = randomTree(random, 4);
            assertEquals(tree, Cbor.decode(Cbor.encode(tree)), () -> "tree " + tree);
        }
    }

    private static Object randomTree(Random random, int depth) {
        int kind = random.nextInt(depth > 0 ? 9 : 7);
        switch (kind) {
            case 0:
                return null;
            case 1:
                return random.nextBoolean();
            case 2:
                return random.nextBoolean() ? (long) random.nextInt(70000) - 35000 : random.nextLong();
            case 3:
                return new BigInteger(65 + random.nextInt(60), random).multiply(
                        BigInteger.valueOf(random.nextBoolean() ? 1 : -1)).add(BigInteger.valueOf(Long.MAX_VALUE))
                        .max(BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.ONE));
            case 4:
                return random.nextBoolean() ? random.nextInt(4000) / 8.0 : random.nextGaussian() * 1e6;
            case 5:
                return (double) Float.intBitsToFloat(random.nextInt() & 0x7f7fffff);
            case 6:
                return randomString(random);
            case 7: {
                List<Object> array = list();
                for (int n = random.nextInt(5); n > 0; n--) {
                    array.add(randomTree(random, depth - 1));
                }
                return array;
            }
            default: {
                Map<String, Object> map = map();
                for (int n = random.nextInt(5); n > 0; n--) {
                    map.put(randomString(random), randomTree(random, depth - 1));
                }
                return map;
            }
        }
    }

    private static String randomString(Random random) {
        StringBuilder text = new StringBuilder();
        for (int n = random.nextInt(30); n > 0; n--) {
            text.appendCodePoint(random.nextInt(4) == 0 ? 0x4e00 + random.nextInt(500) : 'a' + random.nextInt(26));
        }
        return text.toString();
    }
}
