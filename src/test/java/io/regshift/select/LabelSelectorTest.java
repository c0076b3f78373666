package io.regshift.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * kubectl's label selectors, as apimachinery's labels.Parse documents and tests them
 * (k8s.io/apimachinery/pkg/labels/selector.go and selector_test.go): what parses, what is
 * refused and with which words, and what matches which labels.
 */
class LabelSelectorTest {

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "x=a,y=b,z=c", "x!=a,y=b", "x=", "x= ", "x=,z= ", "x= ,z= ", "!x", "x>1", "x>1,z<5",
      "x in (a,b)", "x notin (a)", "x in (,a)", "x in ()", "x in (a,)", "x in (a,,b)", "x=a,x!=b", "x in (a) , y notin (b)",
      "x,y", "example.com/app=web", "app.kubernetes.io/name in (shop)", "x==a", "in=notin", "x in (in,notin)",
      "x=A_b.c-9"})
  void kubectlAccepts(String s) {
    LabelSelector.parse(s);
  }

  @ParameterizedTest
  @ValueSource(strings = {"x=a||y=b", "x==a==b", "!x=a", "x<a", "x>a", "x in", "x in a", "x in (a", "x=a,,y=b", "x ,",
      ",x", "=a", "x=(a)", "x in (a) y", "a/b/c=1", "_x=1", "x_=1", "x=_a", "x=a_", "Example.com/x=1", "/x=1", "x/=1",
      "x in (a b)", "x notin ()a"})
  void kubectlRefuses(String s) {
    assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse(s), s);
  }

  @Test
  void errorsSayWhatWasFoundAndWhatWasExpected() {
    assertEquals("unable to parse requirement: found '' expected: '('", message("x in"));
    assertEquals("found ',', expected: identifier after ','", message("x=a,,y=b"));
    assertEquals("found '=', expected: ',' or 'end of string'", message("!x=a"));
    assertEquals("found '|', expected: ',' or 'end of string'", message("x=a |"));
    assertEquals("unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer", message("x>a"));
    assertEquals("found ',', expected: !, identifier, or 'end of string'", message(",x"));
    assertTrue(message("x=_a").startsWith("unable to parse requirement: values[0][x]: Invalid value: \"_a\": a valid label"
        + " must be an empty string or consist of alphanumeric characters"), message("x=_a"));
    assertTrue(message("a/b/c=1").startsWith("unable to parse requirement: key: Invalid value: \"a/b/c\""), message("a/b/c=1"));
    assertTrue(message("x".repeat(64) + "=1").contains("name part must be no more than 63 characters"));
    assertTrue(message("x=" + "v".repeat(64)).contains("must be no more than 63 characters"));
  }

  @Test
  void equalityRequirements() {
    assertTrue(matches("x=y", Map.of("x", "y")));
    assertTrue(matches("x==y", Map.of("x", "y", "z", "w")));
    assertFalse(matches("x=y", Map.of("x", "z")));
    assertFalse(matches("x=y", Map.of()), "a missing label does not equal anything");
    assertTrue(matches("x!=y", Map.of()), "!= holds when the label is absent");
    assertTrue(matches("x!=y", Map.of("x", "z")));
    assertFalse(matches("x!=y", Map.of("x", "y")));
    assertTrue(matches("x=", Map.of("x", "")), "x= selects the empty value");
    assertFalse(matches("x=", Map.of()));
  }

  @Test
  void setRequirements() {
    assertTrue(matches("env in (prod,staging)", Map.of("env", "staging")));
    assertFalse(matches("env in (prod,staging)", Map.of("env", "dev")));
    assertFalse(matches("env in (prod,staging)", Map.of()));
    assertTrue(matches("env notin (prod)", Map.of()), "notin holds when the label is absent");
    assertTrue(matches("env notin (prod)", Map.of("env", "dev")));
    assertFalse(matches("env notin (prod,dev)", Map.of("env", "dev")));
    assertTrue(matches("x in (,a)", Map.of("x", "")), "an empty member is the empty value");
    assertEquals(List.of("", "a"), LabelSelector.parse("x in (a,)").requirements().get(0).values());
    assertEquals(List.of("a", "b"), LabelSelector.parse("x in (b,a,b)").requirements().get(0).values());
  }

  @Test
  void existenceRequirements() {
    assertTrue(matches("x", Map.of("x", "")));
    assertFalse(matches("x", Map.of("y", "x")));
    assertTrue(matches("!x", Map.of("y", "x")));
    assertFalse(matches("!x", Map.of("x", "")));
    assertTrue(matches("x,!y", Map.of("x", "1")));
    assertFalse(matches("x,!y", Map.of("x", "1", "y", "2")));
  }

  @Test
  void integerComparisons() {
    assertTrue(matches("x>1", Map.of("x", "2")));
    assertFalse(matches("x>1", Map.of("x", "1")));
    assertFalse(matches("x>1", Map.of("x", "a")), "a label that is not an integer never compares");
    assertFalse(matches("x>1", Map.of()));
    assertTrue(matches("x<5", Map.of("x", "-3")));
  }

  @Test
  void everyRequirementMustHoldAndTheEmptySelectorSelectsEverything() {
    assertTrue(matches("app=web,tier in (fe,be),!canary", Map.of("app", "web", "tier", "fe")));
    assertFalse(matches("app=web,tier in (fe,be),!canary", Map.of("app", "web", "tier", "fe", "canary", "")));
    assertTrue(matches("", Map.of()));
    assertTrue(LabelSelector.parse("  ").isEmpty());
  }

  @Test
  void keywordsAreValuesWhereAValueIsExpected() {
    assertTrue(matches("x=in", Map.of("x", "in")));
    assertTrue(matches("x in (notin)", Map.of("x", "notin")));
  }

  private static boolean matches(String selector, Map<String, String> labels) {
    return LabelSelector.parse(selector).matches(labels);
  }

  private static String message(String selector) {
    return assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse(selector)).getMessage();
  }
}
