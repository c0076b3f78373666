package io.regshift.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** How one string value is written; each expectation is what kubectl (sigs.k8s.io/yaml) prints for it. */
class YamlScalarTest {
    static Stream<Arguments> strings() {
        return Stream.of(
                // Strings YAML 1.1 would read as another type are double-quoted.
                arguments("true", "\"true\""), arguments("False", "\"False\""), arguments("yes", "\"yes\""),
                arguments("No", "\"No\""), arguments("on", "\"on\""), arguments("OFF", "\"OFF\""),
                arguments("y", "\"y\""), arguments("n", "\"n\""), arguments("~", "\"~\""),
                arguments("null", "\"null\""), arguments("1", "\"1\""), arguments("0x1F", "\"0x1F\""),
                arguments("0o17", "\"0o17\""), arguments("017", "\"017\""), arguments("08", "\"08\""),
                arguments("1.5", "\"1.5\""), arguments(".inf", "\".inf\""), arguments("-.Inf", "\"-.Inf\""),
                arguments(".nan", "\".nan\""), arguments("1e3", "\"1e3\""), arguments("1_000", "\"1_000\""),
                arguments("0b-101", "\"0b-101\""), arguments("1e-400", "\"1e-400\""),
                arguments("2008-01-01T01:01:01Z", "\"2008-01-01T01:01:01Z\""),
                arguments("2001-12-14", "\"2001-12-14\""),
                arguments("2001-12-14 21:59:43.10", "\"2001-12-14 21:59:43.10\""),
                arguments("1:20", "\"1:20\""), // base-60 float
                arguments("", "\"\""),
                // ...but only when the reading really succeeds.
                arguments("2001-02-30", "2001-02-30"), arguments("12:60", "12:60"),
                arguments("1e400", "1e400"), // overflows float64, so go-yaml reads it as a string
                arguments("<<", "<<"), arguments("a#b", "a#b"), arguments("it's", "it's"),
                arguments("-a", "-a"), arguments("?x", "?x"), arguments(":x", ":x"), arguments("x]", "x]"),
                arguments("\\back", "\\back"), arguments("<&>", "<&>"), arguments("é日本", "é日本"),
                arguments("\u00a0x", "\u00a0x"),
                // Indicators and edge spaces make plain impossible: single quotes when they can carry it.
                arguments(" lead", "' lead'"), arguments("trail ", "'trail '"), arguments("- a", "'- a'"),
                arguments("a: b", "'a: b'"), arguments("a #b", "'a #b'"), arguments("#a", "'#a'"),
                arguments("'q'", "'''q'''"), arguments("\"dq\"", "'\"dq\"'"), arguments("@x", "'@x'"),
                arguments("`x", "'`x'"), arguments("%x", "'%x'"), arguments("!x", "'!x'"),
                arguments("&x", "'&x'"), arguments("*x", "'*x'"), arguments("|x", "'|x'"),
                arguments(">x", "'>x'"), arguments("? x", "'? x'"), arguments("a:", "'a:'"),
                arguments("[x", "'[x'"), arguments("{x", "'{x'"), arguments(",x", "',x'"),
                arguments("---", "'---'"), arguments("...x", "'...x'"),
                arguments("a\u2028b", "'a\u2028  b'"),
                // Non-printable characters force double quotes with escapes.
                arguments("a\tb", "\"a\\tb\""), arguments("a\u0007b", "\"a\\ab\""),
                arguments("😀", "\"\\U0001F600\""), arguments("\uFEFFab", "\"\\uFEFF\\x61\\x62\""),
                // Newlines choose a literal block, with chomping and indentation indicators.
                arguments("line1\nline2", "|-\n  line1\n  line2"),
                arguments("line1\nline2\n", "|\n  line1\n  line2"),
                arguments("line1\n\n", "|+\n  line1\n"),
                arguments(" indented\nnext\n", "|2\n   indented\n  next"),
                arguments("\nleading", "|2-\n\n  leading"),
                // ...unless the block cannot carry the text.
                arguments("tab\there\nx", "\"tab\\there\\nx\""), arguments("trailing \nx", "\"trailing \\nx\""),
                arguments("x\ny ", "\"x\\ny \""), arguments("a\r\nb", "\"a\\r\\nb\""),
                arguments("😀\nx", "\"\\U0001F600\\nx\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("strings")
    void stringValueIsWrittenAsKubectlDoes(String value, String expected) {
        assertEquals("k: " + expected + "\n", Yaml.write(Map.of("k", value)));
    }

    static Stream<Arguments> numbers() {
        return Stream.of(
                arguments(0.5, "0.5"), arguments(1e6, "1000000"), arguments(1234567.5, "1.2345675e+06"),
                arguments(123456.5, "123456.5"), arguments(0.0001, "0.0001"), arguments(0.00001, "1e-05"),
                arguments(1e21, "1e+21"), arguments(1e-7, "1e-07"), arguments(-0.0, "0"), arguments(1.0, "1"),
                arguments(1e20, "1e+20"), arguments(1.5e19, "15000000000000000000"),
                arguments(-9.3e18, "-9.3e+18"), arguments(3e-5, "3e-05"), arguments(100.25, "100.25"),
                arguments(Double.POSITIVE_INFINITY, ".inf"), arguments(Double.NEGATIVE_INFINITY, "-.inf"),
                arguments(Double.NaN, ".nan"),
                arguments(Long.MAX_VALUE, "9223372036854775807"), arguments(Long.MIN_VALUE, "-9223372036854775808"),
                arguments(new java.math.BigInteger("18446744073709551615"), "18446744073709551615"),
                arguments(new java.math.BigInteger("18446744073709551616"), "1.8446744073709552e+19"),
                arguments(new java.math.BigInteger("-9223372036854775809"), "-9.223372036854776e+18"),
                arguments(new java.math.BigInteger("123456789012345678901234567890"), "1.2345678901234568e+29"));
    }

    /** kubectl re-reads Go's JSON text of a number, so integral floats print as integers. */
    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("numbers")
    void numberIsWrittenAsKubectlDoes(Number value, String expected) {
        assertEquals("k: " + expected + "\n", Yaml.write(Map.of("k", value)));
    }
}
