package io.regshift.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regshift.kube.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RFC 6902's examples (Appendix A), and the changes a patch records. */
class JsonPatchTest {

  /** A patch written as RFC 6902 writes it: a JSON array of {op, path, from, value}. */
  static JsonPatch patch(String json) {
    List<JsonPatch.Operation> ops = new ArrayList<>();
    for (Object o : (List<?>) Json.parse(json)) {
      Map<?, ?> m = (Map<?, ?>) o;
      ops.add(new JsonPatch.Operation(JsonPatch.Op.valueOf(((String) m.get("op")).toUpperCase()),
          JsonPointer.parse((String) m.get("path")), m.containsKey("from") ? JsonPointer.parse((String) m.get("from")) : null,
          m.get("value")));
    }
    return new JsonPatch(ops);
  }

  static Object apply(String doc, String patch) {
    return patch(patch).apply(Json.parse(doc), c -> {});
  }

  static void check(String doc, String patch, String expected) {
    assertEquals(Json.parse(expected), apply(doc, patch));
  }

  @Test
  void a1AddsAnObjectMember() {
    check("{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\"}]", "{\"baz\":\"qux\",\"foo\":\"bar\"}");
  }

  @Test
  void a2AddsAnArrayElement() {
    check("{\"foo\":[\"bar\",\"baz\"]}", "[{\"op\":\"add\",\"path\":\"/foo/1\",\"value\":\"qux\"}]", "{\"foo\":[\"bar\",\"qux\",\"baz\"]}");
  }

  @Test
  void a3RemovesAnObjectMember() {
    check("{\"baz\":\"qux\",\"foo\":\"bar\"}", "[{\"op\":\"remove\",\"path\":\"/baz\"}]", "{\"foo\":\"bar\"}");
  }

  @Test
  void a4RemovesAnArrayElement() {
    check("{\"foo\":[\"bar\",\"qux\",\"baz\"]}", "[{\"op\":\"remove\",\"path\":\"/foo/1\"}]", "{\"foo\":[\"bar\",\"baz\"]}");
  }

  @Test
  void a5ReplacesAValue() {
    check("{\"baz\":\"qux\",\"foo\":\"bar\"}", "[{\"op\":\"replace\",\"path\":\"/baz\",\"value\":\"boo\"}]", "{\"baz\":\"boo\",\"foo\":\"bar\"}");
  }

  @Test
  void a6MovesAValue() {
    check("{\"foo\":{\"bar\":\"baz\",\"waldo\":\"fred\"},\"qux\":{\"corge\":\"grault\"}}",
        "[{\"op\":\"move\",\"from\":\"/foo/waldo\",\"path\":\"/qux/thud\"}]",
        "{\"foo\":{\"bar\":\"baz\"},\"qux\":{\"corge\":\"grault\",\"thud\":\"fred\"}}");
  }

  @Test
  void a7MovesAnArrayElement() {
    check("{\"foo\":[\"all\",\"grass\",\"cows\",\"eat\"]}", "[{\"op\":\"move\",\"from\":\"/foo/1\",\"path\":\"/foo/3\"}]",
        "{\"foo\":[\"all\",\"cows\",\"eat\",\"grass\"]}");
  }

  @Test
  void a8TestsSucceed() {
    check("{\"baz\":\"qux\",\"foo\":[\"a\",2,\"c\"]}",
        "[{\"op\":\"test\",\"path\":\"/baz\",\"value\":\"qux\"},{\"op\":\"test\",\"path\":\"/foo/1\",\"value\":2}]",
        "{\"baz\":\"qux\",\"foo\":[\"a\",2,\"c\"]}");
  }

  @Test
  void a9TestFails() {
    JsonPatch.PatchException e = assertThrows(JsonPatch.PatchException.class,
        () -> apply("{\"baz\":\"qux\"}", "[{\"op\":\"test\",\"path\":\"/baz\",\"value\":\"bar\"}]"));
    assertTrue(e.testFailed());
    assertEquals("test /baz: the value is \"qux\", not \"bar\"", e.getMessage());
  }

  @Test
  void a10AddsANestedMember() {
    check("{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/child\",\"value\":{\"grandchild\":{}}}]",
        "{\"foo\":\"bar\",\"child\":{\"grandchild\":{}}}");
  }

  @Test
  void a12AddingToANonexistentTargetFails() {
    JsonPatch.PatchException e = assertThrows(JsonPatch.PatchException.class,
        () -> apply("{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz/bat\",\"value\":\"qux\"}]"));
    assertFalse(e.testFailed());
    assertEquals("add /baz/bat: there is no baz", e.getMessage());
  }

  @Test
  void a14EscapesAreDecodedInOrder() {
    check("{\"/\":9,\"~1\":10}", "[{\"op\":\"test\",\"path\":\"/~01\",\"value\":10}]", "{\"/\":9,\"~1\":10}");
  }

  @Test
  void a15AStringIsNotANumber() {
    assertTrue(assertThrows(JsonPatch.PatchException.class,
        () -> apply("{\"/\":9,\"~1\":10}", "[{\"op\":\"test\",\"path\":\"/~01\",\"value\":\"10\"}]")).testFailed());
  }

  @Test
  void a16AddsAnArrayValue() {
    check("{\"foo\":[\"bar\"]}", "[{\"op\":\"add\",\"path\":\"/foo/-\",\"value\":[\"abc\",\"def\"]}]", "{\"foo\":[\"bar\",[\"abc\",\"def\"]]}");
  }

  @Test
  void numbersCompareByValue() {
    check("{\"a\":1}", "[{\"op\":\"test\",\"path\":\"/a\",\"value\":1.0}]", "{\"a\":1}");
  }

  @Test
  void removeAndReplaceNeedTheTarget() {
    assertEquals("remove /a/b: there is no a.b",
        assertThrows(JsonPatch.PatchException.class, () -> apply("{\"a\":{}}", "[{\"op\":\"remove\",\"path\":\"/a/b\"}]")).getMessage());
    assertEquals("replace /l/2: there is no l[2] (the list has 2 items)",
        assertThrows(JsonPatch.PatchException.class, () -> apply("{\"l\":[1,2]}", "[{\"op\":\"replace\",\"path\":\"/l/2\",\"value\":3}]")).getMessage());
  }

  @Test
  void aValueCannotMoveIntoItself() {
    assertThrows(JsonPatch.PatchException.class, () -> apply("{\"a\":{\"b\":1}}", "[{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/a/c\"}]"));
  }

  @Test
  void copyIsDeep() {
    Object out = apply("{\"a\":{\"b\":1}}", "[{\"op\":\"copy\",\"from\":\"/a\",\"path\":\"/c\"},{\"op\":\"replace\",\"path\":\"/c/b\",\"value\":2}]");
    assertEquals(Json.parse("{\"a\":{\"b\":1},\"c\":{\"b\":2}}"), out);
  }

  @Test
  void recordsEachChangedField() {
    List<FieldChange> changes = new ArrayList<>();
    patch("[{\"op\":\"replace\",\"path\":\"/spec/storageClassName\",\"value\":\"premium\"},"
        + "{\"op\":\"remove\",\"path\":\"/metadata/labels/app.kubernetes.io~1name\"},"
        + "{\"op\":\"add\",\"path\":\"/spec/list/-\",\"value\":3},"
        + "{\"op\":\"replace\",\"path\":\"/spec/same\",\"value\":1}]")
        .apply(Json.parse("{\"metadata\":{\"labels\":{\"app.kubernetes.io/name\":\"db\"}},"
            + "\"spec\":{\"storageClassName\":\"standard\",\"list\":[1,2],\"same\":1}}"), changes::add);
    assertEquals(List.of(new FieldChange("spec.storageClassName", "standard", "premium"),
        new FieldChange("metadata.labels[\"app.kubernetes.io/name\"]", "db", null),
        new FieldChange("spec.list[2]", null, 3L)), changes);
  }

  @Test
  void pointersFollowRfc6901() {
    assertEquals(List.of("a/b", "m~n", ""), JsonPointer.parse("/a~1b/m~0n/").tokens());
    assertThrows(IllegalArgumentException.class, () -> JsonPointer.parse("a/b"));
    assertThrows(IllegalArgumentException.class, () -> JsonPointer.parse("/a~2"));
  }
}
