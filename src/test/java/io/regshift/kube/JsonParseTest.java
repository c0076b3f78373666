package io.regshift.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JsonParseTest {
    @Test
    void buildsTheProjectTreeTypes() {
        Object tree = Json.parse("{\"s\":\"x\",\"i\":-42,\"d\":1.5,\"e\":1e2,\"t\":true,\"f\":false,\"n\":null,"
                + "\"a\":[1,[]],\"o\":{}}");
        Map<?, ?> map = (Map<?, ?>) tree;
        assertEquals("x", map.get("s"));
        assertEquals(-42L, map.get("i"));
        assertEquals(1.5, map.get("d"));
        assertEquals(100.0, map.get("e"), "an exponent makes a Double even when integral");
        assertEquals(Boolean.TRUE, map.get("t"));
        assertEquals(Boolean.FALSE, map.get("f"));
        assertNull(map.get("n"));
        assertEquals(Arrays.asList(1L, List.of()), map.get("a"));
        assertEquals(Map.of(), map.get("o"));
        assertEquals(List.of("s", "i", "d", "e", "t", "f", "n", "a", "o"), List.copyOf(map.keySet()),
                "keys keep document order");
    }

    @Test
    void integersBeyondLongBecomeBigInteger() {
        assertEquals(Long.MAX_VALUE, Json.parse("9223372036854775807"));
        assertEquals(Long.MIN_VALUE, Json.parse("-9223372036854775808"));
        assertEquals(new BigInteger("9223372036854775808"), Json.parse("9223372036854775808"));
        assertEquals(new BigInteger("-123456789012345678901234567890"),
                Json.parse("-123456789012345678901234567890"));
    }

    @Test
    void negativeZeroIsIntegerZeroButNegativeZeroPointZeroKeepsItsSign() {
        assertEquals(0L, Json.parse("-0"));
        assertEquals(-0.0, Json.parse("-0.0"));
    }

    @Test
    void duplicateKeysLastValueWins() {
        assertEquals(Map.of("a", 2L), Json.parse("{\"a\":1,\"a\":2}"));
    }

    @Test
    void decodesEscapesAndSurrogatePairs() {
        assertEquals("\"\\/\b\f\n\r\t\u00e9\uD83D\uDE00", Json.parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00E9\\ud83d\\ude00\""));
        assertEquals("日本 😀", Json.parse("\"日本 😀\""), "raw UTF-8 decodes");
    }

    @Test
    void loneSurrogateEscapesBecomeReplacementCharacterAsInGo() {
        assertEquals("a\uFFFDb", Json.parse("\"a\\ud800b\""));
        assertEquals("\uFFFD", Json.parse("\"\\udc00\""));
        assertEquals("\uFFFDx", Json.parse("\"\\ud800\\u0078\""), "a high surrogate followed by a non-low escape");
    }

    @Test
    void invalidUtf8BytesBecomeOneReplacementCharacterEach() {
        byte[] bytes = {'"', 'a', (byte) 0xE2, (byte) 0x82, 'b', (byte) 0xFF, (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'};
        assertEquals("a\uFFFD\uFFFDb\uFFFD\uFFFD\uFFFD\uFFFD", Json.parse(bytes));
    }

    @Test
    void surroundingWhitespaceIsAllowed() {
        assertEquals(List.of(1L), Json.parse(" \t\r\n[ 1 ]\n "));
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                arguments("\"abc", "line 1, column 1: unterminated string"),
                arguments("{\"a\":\"x\\qy\"}", "line 1, column 8: invalid escape '\\q' in string"),
                arguments("\"\\u12G4\"", "line 1, column 2: invalid escape '\\u': expected 4 hex digits"),
                arguments("[1,2,]", "line 1, column 6: unexpected ']' after ',' in array (trailing comma)"),
                arguments("{\"a\":1,}", "line 1, column 8: expected string for object key, found '}'"),
                arguments("[01]", "line 1, column 2: leading zero in number"),
                arguments("-", "line 1, column 2: expected digit in number, found end of input"),
                arguments("1.", "line 1, column 3: expected digit after decimal point, found end of input"),
                arguments("1e+", "line 1, column 4: expected digit in exponent, found end of input"),
                arguments("{\"a\" 1}", "line 1, column 6: expected ':' after object key, found '1'"),
                arguments("[1 2]", "line 1, column 4: expected ',' or ']' in array, found '2'"),
                arguments("[1", "line 1, column 3: unexpected end of input, expected ',' or ']' in array"),
                arguments("{} x", "line 1, column 4: unexpected 'x' after top-level value"),
                arguments("", "line 1, column 1: unexpected end of input, expected a value"),
                arguments("tru", "line 1, column 4: invalid literal, expected 'true'"),
                arguments("[nul]", "line 1, column 5: invalid literal, expected 'null'"),
                arguments("'a'", "line 1, column 1: unexpected ''', expected a value"),
                arguments("1e400", "line 1, column 1: number 1e400 is out of range of a 64-bit float"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void errorsNameLineAndColumn(String json, String message) {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse(json));
        assertEquals(message, e.getMessage());
    }

    @Test
    void errorPositionCountsLinesAndCharacters() {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse("{\n  \"é\": 1,\n  \"b\" 2\n}"));
        assertEquals("line 3, column 7: expected ':' after object key, found '2'", e.getMessage());
    }

    @Test
    void rawControlCharacterInStringIsAnError() {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse("\"a\nb\""));
        assertEquals("line 1, column 3: invalid control character 0x0A in string (must be escaped)", e.getMessage());
    }

    @Test
    void deepNestingIsRefusedWithAMessageNotAStackOverflow() {
        String deep = "[".repeat(10_001) + "]".repeat(10_001);
        JsonException e = assertThrows(JsonException.class, () -> Json.parse(deep));
        assertEquals("line 1, column 10001: exceeded max nesting depth of 10000", e.getMessage());
        String allowed = "[".repeat(10_000) + "]".repeat(10_000);
        assertTrue(Json.parse(allowed) instanceof List, "Go's own limit of 10000 levels is accepted");
    }
}
