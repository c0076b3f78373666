package io.regshift.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.regshift.kube.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 7386's examples (Appendix A). */
class MergePatchTest {

  @ParameterizedTest(name = "{0} + {1} = {2}")
  @CsvSource(delimiter = '|', value = {
      "{\"a\":\"b\"}                | {\"a\":\"c\"}                     | {\"a\":\"c\"}",
      "{\"a\":\"b\"}                | {\"b\":\"c\"}                     | {\"a\":\"b\",\"b\":\"c\"}",
      "{\"a\":\"b\"}                | {\"a\":null}                      | {}",
      "{\"a\":\"b\",\"b\":\"c\"}    | {\"a\":null}                      | {\"b\":\"c\"}",
      "{\"a\":[\"b\"]}              | {\"a\":\"c\"}                     | {\"a\":\"c\"}",
      "{\"a\":\"c\"}                | {\"a\":[\"b\"]}                   | {\"a\":[\"b\"]}",
      "{\"a\":{\"b\":\"c\"}}        | {\"a\":{\"b\":\"d\",\"c\":null}}  | {\"a\":{\"b\":\"d\"}}",
      "{\"a\":[{\"b\":\"c\"}]}      | {\"a\":[1]}                       | {\"a\":[1]}",
      "[\"a\",\"b\"]                | [\"c\",\"d\"]                     | [\"c\",\"d\"]",
      "{\"a\":\"b\"}                | [\"c\"]                           | [\"c\"]",
      "{\"a\":\"foo\"}              | null                              | null",
      "{\"a\":\"foo\"}              | \"bar\"                           | \"bar\"",
      "{\"e\":null}                 | {\"a\":1}                         | {\"e\":null,\"a\":1}",
      "[1,2]                        | {\"a\":\"b\",\"c\":null}          | {\"a\":\"b\"}",
      "{}                           | {\"a\":{\"bb\":{\"ccc\":null}}}   | {\"a\":{\"bb\":{}}}",
  })
  void rfc7386Examples(String target, String patch, String result) {
    assertEquals(Json.parse(result.strip()), new MergePatch(Json.parse(patch.strip())).apply(Json.parse(target.strip()), c -> {}));
  }

  @Test
  void recordsEachChangedField() {
    List<FieldChange> changes = new ArrayList<>();
    new MergePatch(Json.parse("{\"metadata\":{\"annotations\":{\"foo\":null,\"new\":\"x\"}},\"spec\":{\"replicas\":3,\"same\":1}}"))
        .apply(Json.parse("{\"metadata\":{\"annotations\":{\"foo\":\"bar\"}},\"spec\":{\"replicas\":1,\"same\":1}}"), changes::add);
    assertEquals(List.of(new FieldChange("metadata.annotations.foo", "bar", null),
        new FieldChange("metadata.annotations.new", null, "x"),
        new FieldChange("spec.replicas", 1L, 3L)), changes);
  }
}
