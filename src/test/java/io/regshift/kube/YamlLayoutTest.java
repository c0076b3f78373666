package io.regshift.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Document layout; each expectation is what kubectl (sigs.k8s.io/yaml over go-yaml v2) prints. */
class YamlLayoutTest {
    private static final String WORDS = "word01 word02 word03 word04 word05 word06 word07 word08 word09 word10"
            + " word11 word12 word13 word14 word15 word16 word17 word18 word19 word20 word21 word22 word23 word24";

    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int k = 0; k < keysAndValues.length; k += 2) {
            m.put((String) keysAndValues[k], keysAndValues[k + 1]);
        }
        return m;
    }

    @Test
    void nestsMappingsAndSequencesWithSequencesUnindentedUnderKeys() {
        Object tree = map("e", List.of(), "a", map("b", List.of(1L,
                map("d", List.of(List.of("x", "y"), "z"), "c", List.of(List.of(), map())))));
        assertEquals("a:\n"
                + "  b:\n"
                + "  - 1\n"
                + "  - c:\n"
                + "    - []\n"
                + "    - {}\n"
                + "    d:\n"
                + "    - - x\n"
                + "      - \"y\"\n"
                + "    - z\n"
                + "e: []\n", Yaml.write(tree));
    }

    @Test
    void nestsSequencesInSequences() {
        Object tree = List.of(List.of("a", "b"), List.of(map("k", "v", "l", List.of(1L))));
        assertEquals("- - a\n  - b\n- - k: v\n    l:\n    - 1\n", Yaml.write(tree));
    }

    @Test
    void writesRootScalarsAndEmptiesOnOneLine() {
        assertEquals("{}\n", Yaml.write(map()));
        assertEquals("[]\n", Yaml.write(List.of()));
        assertEquals("null\n", Yaml.write(null));
        assertEquals("true\n", Yaml.write(true));
        assertEquals("42\n", Yaml.write(42L));
        assertEquals("just a string\n", Yaml.write("just a string"));
        assertEquals("|-\n  multi\n  line root\n", Yaml.write("multi\nline root"));
        assertEquals("a: null\nb: false\n", Yaml.write(map("b", false, "a", null)));
    }

    @Test
    void foldsLongPlainScalarsAtTheFirstSpacePastColumn80() {
        assertEquals("k: word01 word02 word03 word04 word05 word06 word07 word08 word09 word10 word11 word12\n"
                + "  word13 word14 word15 word16 word17 word18 word19 word20 word21 word22 word23 word24\n",
                Yaml.write(map("k", WORDS)));
        assertEquals("seq:\n- word01 word02 word03 word04 word05 word06 word07 word08 word09 word10 word11 word12\n"
                + "  word13 word14 word15 word16 word17 word18 word19 word20 word21 word22 word23 word24\n",
                Yaml.write(map("seq", List.of(WORDS))));
        String unbroken = "x".repeat(100) + " " + "y".repeat(10);
        assertEquals("k: " + "x".repeat(100) + "\n  yyyyyyyyyy\n", Yaml.write(map("k", unbroken)));
    }

    @Test
    void foldsLongQuotedScalarsToo() {
        assertEquals("k: '''word01 word02 word03 word04 word05 word06 word07 word08 word09 word10 word11\n"
                + "  word12 word13 word14 word15 word16 word17 word18 word19 word20 word21 word22 word23\n"
                + "  word24'''\n", Yaml.write(map("k", "'" + WORDS + "'")));
        assertEquals("k: \"word01 word02 word03 word04 word05 word06 word07 word08 word09 word10 word11 word12\n"
                + "  word13 word14 word15 word16 word17 word18 word19 word20 word21 word22 word23 word24\\t\"\n",
                Yaml.write(map("k", WORDS + "\t")));
    }

    @Test
    void neverFoldsLiteralBlocks() {
        String line = "word ".repeat(30) + "end\n";
        assertEquals("k: |\n  " + line, Yaml.write(map("k", line)));
    }

    @Test
    void keysLongerThan128BytesOrMultiLineUseExplicitForm() {
        String k128 = "k".repeat(128);
        String k129 = "k".repeat(129);
        assertEquals(k128 + ": w\n? " + k129 + "\n: v\n", Yaml.write(map(k129, "v", k128, "w")));
        assertEquals("? |-\n  multi\n  line\n: v\n", Yaml.write(map("multi\nline", "v")));
    }

    @Test
    void keyStringsAreQuotedLikeValues() {
        assertEquals("'-': 1\n\"0\": 2\n'a: b': 4\n\"yes\": 3\n",
                Yaml.write(map("yes", 3L, "0", 2L, "-", 1L, "a: b", 4L)));
    }

    @Test
    void sortsKeysInGoYamlNaturalOrder() {
        List<String> keys = Arrays.asList("a10", "a9", "a_b", "aB", "Ab", "b", "a", "a01", "a1", "-", "0", "~", "é",
                "日", "😀", "\uFFFD", "x2y", "x02y", "x10", "Z", "_");
        Map<String, Object> tree = new LinkedHashMap<>();
        for (String key : keys) {
            tree.put(key, 1L);
        }
        assertEquals("'-': 1\n_: 1\n\"~\": 1\n\uFFFD: 1\n\"\\U0001F600\": 1\n\"0\": 1\nAb: 1\nZ: 1\na: 1\na_b: 1\n"
                + "a1: 1\na01: 1\na9: 1\na10: 1\naB: 1\nb: 1\nx2y: 1\nx02y: 1\nx10: 1\né: 1\n日: 1\n",
                Yaml.write(tree));
    }
}
