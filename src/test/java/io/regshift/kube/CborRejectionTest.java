package io.regshift.kube;

import static io.regshift.kube.JsonTrees.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Input that is not CBOR, or that Kubernetes' decoder refuses: one-line message with the offset. */
class CborRejectionTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            ''                   | 0 | no data item (empty input)
            0001                 | 1 | 1 trailing bytes after the data item
            6449                 | 0 | truncated input: text string of 4 bytes, 1 remain
            1903                 | 0 | truncated input: item head needs 2 more bytes, 1 remain
            8301                 | 0 | truncated input: array of 3 entries, 1 bytes remain
            821903               | 1 | truncated input: item head needs 2 more bytes, 1 remain
            9f01                 | 2 | truncated input: indefinite-length array has no break (0xff)
            a16161               | 3 | truncated input: map key "a" has no value
            5bffffffffffffffff   | 0 | truncated input: byte string of 18446744073709551615 bytes, 0 remain
            a201020304           | 1 | map key is an integer, not a string
            a1f601               | 1 | map key is null, not a string
            a2616101416102       | 4 | duplicate map key "a"
            62c328               | 0 | text string is not valid UTF-8
            7f61c361a9ff         | 1 | text string is not valid UTF-8
            5f6161ff             | 1 | indefinite-length byte string holds a chunk that is not a definite-length byte string
            f7                   | 0 | undefined is not accepted (Kubernetes only accepts false, true and null)
            f0                   | 0 | simple value 16 is not accepted
            f8ff                 | 0 | simple value 255 is not accepted
            f818                 | 0 | simple value 24 must use the one-byte form
            f97c00               | 0 | floating-point Infinity is not accepted (no JSON equivalent)
            f97e00               | 0 | floating-point NaN is not accepted (no JSON equivalent)
            f9fc00               | 0 | floating-point -Infinity is not accepted (no JSON equivalent)
            fa7f800000           | 0 | floating-point Infinity is not accepted (no JSON equivalent)
            fa7fc00000           | 0 | floating-point NaN is not accepted (no JSON equivalent)
            faff800000           | 0 | floating-point -Infinity is not accepted (no JSON equivalent)
            fb7ff0000000000000   | 0 | floating-point Infinity is not accepted (no JSON equivalent)
            fb7ff8000000000000   | 0 | floating-point NaN is not accepted (no JSON equivalent)
            fbfff0000000000000   | 0 | floating-point -Infinity is not accepted (no JSON equivalent)
            1c                   | 0 | reserved additional information 28
            ff                   | 0 | break (0xff) outside an indefinite-length item
            1f                   | 0 | an unsigned integer cannot have indefinite length
            c000                 | 1 | tag 0 (RFC 3339 time) must enclose a text string, not an unsigned integer
            c063616263           | 0 | tag 0 holds a time that is not a valid RFC 3339 time between years 0 and 9999
            c16161               | 1 | tag 1 (epoch time) must enclose a number, not a text string
            c26161               | 1 | tag 2 (bignum) must enclose a definite-length byte string
            """)
    void rejectsWithOffsetAndCause(String hex, int offset, String cause) {
        CborException error = assertThrows(CborException.class, () -> Cbor.decode(hex(hex)));
        assertEquals("CBOR error at byte offset " + offset + ": " + cause, error.getMessage());
        assertEquals(offset, error.offset());
    }

    @Test
    void isAnIllegalArgumentExceptionForCallersThatDoNotKnowCbor() {
        assertThrows(IllegalArgumentException.class, () -> Cbor.decode(hex("ff")));
    }

    @Test
    void acceptsNestingUpToKubernetesLimitOf64Levels() {
        assertEquals(nestedOnce(63), Cbor.decode(hex("81".repeat(64) + "00")));
    }

    @Test
    void rejectsNestingBeyond64Levels() {
        CborException error = assertThrows(CborException.class,
                () -> Cbor.decode(hex("81".repeat(65) + "00")));
        assertEquals("CBOR error at byte offset 64: nested deeper than 64 levels", error.getMessage());
    }

    @Test
    void countsTagsAsNestingLikeKubernetes() {
        assertThrows(CborException.class, () -> Cbor.decode(hex("d9d9f7" + "81".repeat(64) + "00")));
    }

    @Test
    void reportsOffsetsFromTheStartOfTheGivenArray() {
        byte[] buffer = hex("aaaa" + "6449");
        CborException error = assertThrows(CborException.class, () -> Cbor.decode(buffer, 2, 2));
        assertEquals(2, error.offset());
    }

    private static Object nestedOnce(int levels) {
        Object tree = List.of(0L);
        for (int i = 0; i < levels; i++) {
            tree = List.of(tree);
        }
        return tree;
    }
}
