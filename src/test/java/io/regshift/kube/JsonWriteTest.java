package io.regshift.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Expected texts are what Go's json.Marshal / MarshalIndent print for the same value. */
class JsonWriteTest {
    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int k = 0; k < keysAndValues.length; k += 2) {
            m.put((String) keysAndValues[k], keysAndValues[k + 1]);
        }
        return m;
    }

    @Test
    void sortsKeysAndWritesCompactly() {
        Object tree = map("b", 1L, "a", Arrays.asList(true, null, "x"), "c", map(), "d", List.of());
        assertEquals("{\"a\":[true,null,\"x\"],\"b\":1,\"c\":{},\"d\":[]}", Json.write(tree));
    }

    @Test
    void sortsKeysByUtf8BytesNotUtf16() {
        // U+FFFD is EF BF BD in UTF-8, below the F0 of an emoji; Java's compareTo says the opposite.
        Object tree = map("\uD83D\uDE00", 1L, "\uFFFD", 2L, "é", 3L, "Z", 4L, "a", 5L);
        assertEquals("{\"Z\":4,\"a\":5,\"é\":3,\"\uFFFD\":2,\"\uD83D\uDE00\":1}", Json.write(tree));
    }

    @Test
    void escapesLikeGo() {
        String s = "<a href=\"x\">&</a>\\\n\r\t\b\f\u0000\u001f\u007f\u2028\u2029é😀";
        assertEquals("\"\\u003ca href=\\\"x\\\"\\u003e\\u0026\\u003c/a\\u003e\\\\\\n\\r\\t\\b\\f\\u0000\\u001f"
                + "\u007f\\u2028\\u2029é😀\"", Json.write(s));
    }

    @Test
    void loneSurrogateIsWrittenAsReplacementCharacter() {
        assertEquals("\"a\\ufffdb\"", Json.write("a\uD800b"));
    }

    static Stream<Arguments> floats() {
        return Stream.of(
                arguments(1e21, "1e+21"),
                arguments(1e-7, "1e-7"),
                arguments(1.5e-7, "1.5e-7"),
                arguments(1.234e-10, "1.234e-10"),
                arguments(0.000001, "0.000001"),
                arguments(123456789.0, "123456789"),
                arguments(1.0, "1"),
                arguments(-0.0, "-0"),
                arguments(0.0, "0"),
                arguments(0.1, "0.1"),
                arguments(1e20, "100000000000000000000"),
                arguments(2.498628274857906e17, "249862827485790600"),
                arguments(-1.7976931348623157e308, "-1.7976931348623157e+308"),
                arguments(5e-324, "5e-324"),
                arguments(2.82879384806159e17, "282879384806159000"),
                arguments(1.0E23, "1e+23"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("floats")
    void formatsFloatsLikeGo(double value, String expected) {
        assertEquals(expected, Json.write(value));
    }

    @Test
    void writesIntegersOfAnySize() {
        assertEquals("[-9223372036854775808,123456789012345678901234567890,7]",
                Json.write(List.of(Long.MIN_VALUE, new BigInteger("123456789012345678901234567890"), 7)));
    }

    @Test
    void refusesWhatGoCannotMarshal() {
        assertEquals("json: unsupported value: NaN",
                assertThrows(JsonException.class, () -> Json.write(Double.NaN)).getMessage());
        assertEquals("json: unsupported value: +Inf",
                assertThrows(JsonException.class, () -> Json.write(Double.POSITIVE_INFINITY)).getMessage());
        assertThrows(JsonException.class, () -> Json.write(List.of(new Object())));
    }

    @Test
    void indentsLikeMarshalIndentWithFourSpaces() {
        Object tree = map("z", List.of(1L, map("b", "<", "a", List.of())), "a", map(), "m", "x");
        String expected = "{\n"
                + "    \"a\": {},\n"
                + "    \"m\": \"x\",\n"
                + "    \"z\": [\n"
                + "        1,\n"
                + "        {\n"
                + "            \"a\": [],\n"
                + "            \"b\": \"\\u003c\"\n"
                + "        }\n"
                + "    ]\n"
                + "}";
        assertEquals(expected, Json.writeIndented(tree));
    }

    @Test
    void indentedScalarsAndEmptiesHaveNoNewline() {
        assertEquals("{}", Json.writeIndented(map()));
        assertEquals("[]", Json.writeIndented(new ArrayList<>()));
        assertEquals("\"s\"", Json.writeIndented("s"));
        assertEquals("null", Json.writeIndented(null));
    }

    @Test
    void appendsToAGivenBuilder() {
        StringBuilder out = new StringBuilder("prefix:");
        Json.write(map("k", 1.5), out);
        assertEquals("prefix:{\"k\":1.5}", out.toString());
    }
}
