package io.regshift.kube;

import static io.regshift.kube.JsonTrees.hex;
import static io.regshift.kube.JsonTrees.list;
import static io.regshift.kube.JsonTrees.map;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The decoding examples of RFC 8949 Appendix A that Kubernetes' decoder accepts, with the tree
 * each must give (Kubernetes' own expectations: apimachinery modes/appendixa_test.go), plus the
 * integers beyond int64 that Kubernetes refuses but regshift shows as BigInteger.
 */
class CborAppendixATest {

    static Stream<Arguments> examples() {
        return Stream.of(
                // integers
                Arguments.of("00", 0L),
                Arguments.of("01", 1L),
                Arguments.of("0a", 10L),
                Arguments.of("17", 23L),
                Arguments.of("1818", 24L),
                Arguments.of("1819", 25L),
                Arguments.of("1864", 100L),
                Arguments.of("1903e8", 1000L),
                Arguments.of("1a000f4240", 1000000L),
                Arguments.of("1b000000e8d4a51000", 1000000000000L),
                Arguments.of("1bffffffffffffffff", new BigInteger("18446744073709551615")),
                Arguments.of("c249010000000000000000", new BigInteger("18446744073709551616")),
                Arguments.of("3bffffffffffffffff", new BigInteger("-18446744073709551616")),
                Arguments.of("c349010000000000000000", new BigInteger("-18446744073709551617")),
                Arguments.of("20", -1L),
                Arguments.of("29", -10L),
                Arguments.of("3863", -100L),
                Arguments.of("3903e7", -1000L),
                // floats, half precision included
                Arguments.of("f90000", 0.0),
                Arguments.of("f98000", -0.0),
                Arguments.of("f93c00", 1.0),
                Arguments.of("fb3ff199999999999a", 1.1),
                Arguments.of("f93e00", 1.5),
                Arguments.of("f97bff", 65504.0),
                Arguments.of("fa47c35000", 100000.0),
                Arguments.of("fa7f7fffff", 3.4028234663852886e+38),
                Arguments.of("fb7e37e43c8800759c", 1.0e+300),
                Arguments.of("f90001", 5.960464477539063e-8),
                Arguments.of("f90400", 0.00006103515625),
                Arguments.of("f9c400", -4.0),
                Arguments.of("fbc010666666666666", -4.1),
                // simple values
                Arguments.of("f4", false),
                Arguments.of("f5", true),
                Arguments.of("f6", null),
                // tags: times become RFC 3339 text, 23 hex-encodes, unknown tags are dropped
                Arguments.of("c074323031332d30332d32315432303a30343a30305a", "2013-03-21T20:04:00Z"),
                Arguments.of("c11a514b67b0", "2013-03-21T20:04:00Z"),
                Arguments.of("c1fb41d452d9ec200000", "2013-03-21T20:04:00.5Z"),
                Arguments.of("d74401020304", "01020304"),
                Arguments.of("d818456449455446", "dIETF"),
                Arguments.of("d82076687474703a2f2f7777772e6578616d706c652e636f6d", "http://www.example.com"),
                // byte and text strings
                Arguments.of("40", ""),
                Arguments.of("4401020304", "\u0001\u0002\u0003\u0004"),
                Arguments.of("60", ""),
                Arguments.of("6161", "a"),
                Arguments.of("6449455446", "IETF"),
                Arguments.of("62225c", "\"\\"),
                Arguments.of("62c3bc", "\u00fc"),
                Arguments.of("63e6b0b4", "\u6c34"),
                Arguments.of("64f0908591", "\ud800\udd51"),
                // arrays and maps
                Arguments.of("80", list()),
                Arguments.of("83010203", list(1L, 2L, 3L)),
                Arguments.of("8301820203820405", list(1L, list(2L, 3L), list(4L, 5L))),
                Arguments.of("98190102030405060708090a0b0c0d0e0f101112131415161718181819", oneTo25()),
                Arguments.of("a0", map()),
                Arguments.of("a26161016162820203", map("a", 1L, "b", list(2L, 3L))),
                Arguments.of("826161a161626163", list("a", map("b", "c"))),
                Arguments.of("a56161614161626142616361436164614461656145",
                        map("a", "A", "b", "B", "c", "C", "d", "D", "e", "E")),
                // indefinite-length forms
                Arguments.of("5f42010243030405ff", "\u0001\u0002\u0003\u0004\u0005"),
                Arguments.of("7f657374726561646d696e67ff", "streaming"),
                Arguments.of("9fff", list()),
                Arguments.of("9f018202039f0405ffff", list(1L, list(2L, 3L), list(4L, 5L))),
                Arguments.of("9f01820203820405ff", list(1L, list(2L, 3L), list(4L, 5L))),
                Arguments.of("83018202039f0405ff", list(1L, list(2L, 3L), list(4L, 5L))),
                Arguments.of("83019f0203ff820405", list(1L, list(2L, 3L), list(4L, 5L))),
                Arguments.of("9f0102030405060708090a0b0c0d0e0f101112131415161718181819ff", oneTo25()),
                Arguments.of("bf61610161629f0203ffff", map("a", 1L, "b", list(2L, 3L))),
                Arguments.of("826161bf61626163ff", list("a", map("b", "c"))),
                Arguments.of("bf6346756ef563416d7421ff", map("Fun", true, "Amt", -2L)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void decodesToTheTreeTheJsonFormGives(String hex, Object expected) {
        assertEquals(expected, Cbor.decode(hex(hex)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void decodesTheSameBehindTheSelfDescribedPrefixKubernetesWrites(String hex, Object expected) {
        assertEquals(expected, Cbor.decode(hex("d9d9f7" + hex)));
    }

    private static Object oneTo25() {
        return list(LongStream.rangeClosed(1, 25).boxed().toArray());
    }
}
