package io.regshift.rewrite;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A JSON Patch (RFC 6902): operations applied in order to a decoded tree. The operations change
 * the tree in place, so callers that must stay atomic apply it to a copy
 * ({@link ModifiersRule} does: a patch that fails leaves the object as it was).
 */
public final class JsonPatch {

  public enum Op {
    ADD, REMOVE, REPLACE, MOVE, COPY, TEST;

    public String jsonName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * One operation.
   *
   * @param from  for move and copy, else null
   * @param value for add, replace and test, else null
   */
  public record Operation(Op op, JsonPointer path, JsonPointer from, Object value) {
    public Operation {
      Objects.requireNonNull(op);
      Objects.requireNonNull(path);
      if ((op == Op.MOVE || op == Op.COPY) && from == null) {
        throw new IllegalArgumentException(op.jsonName() + " needs a from");
      }
    }

    @Override
    public String toString() {
      return op.jsonName() + " " + path + (from == null ? "" : " from " + from);
    }
  }

  /** Why a patch could not be applied; {@link #testFailed()} for a test whose value differs. */
  public static final class PatchException extends RuntimeException {
    private final boolean testFailed;

    PatchException(String message, boolean testFailed) {
      super(message);
      this.testFailed = testFailed;
    }

    public boolean testFailed() {
      return testFailed;
    }
  }

  private final List<Operation> operations;

  public JsonPatch(List<Operation> operations) {
    this.operations = List.copyOf(operations);
  }

  public List<Operation> operations() {
    return operations;
  }

  /**
   * Applies the operations in order.
   *
   * @param document the tree, changed in place
   * @param changes  every field changed, in order (a test changes none)
   * @return the document (a new root when an operation replaced the whole document)
   * @throws PatchException at the first operation that cannot be applied; operations before it
   *     have changed the document
   */
  public Object apply(Object document, Consumer<FieldChange> changes) {
    Object doc = document;
    for (Operation o : operations) {
      doc = apply(doc, o, changes);
    }
    return doc;
  }

  private static Object apply(Object doc, Operation o, Consumer<FieldChange> changes) {
    switch (o.op()) {
      case ADD:
        return add(doc, o.path(), Trees.copy(o.value()), changes, o);
      case REMOVE:
        return remove(doc, o.path(), changes, o);
      case REPLACE: {
        Object old = get(doc, o.path(), o);
        Object value = Trees.copy(o.value());
        if (o.path().isRoot()) {
          record(changes, o.path(), old, value);
          return value;
        }
        set(container(doc, o.path(), o), o.path().last(), value);
        record(changes, o.path(), old, value);
        return doc;
      }
      case MOVE: {
        if (o.from().equals(o.path())) {
          get(doc, o.from(), o); // must exist, changes nothing
          return doc;
        }
        if (o.from().isPrefixOf(o.path())) {
          throw fail(o, "cannot move a value into itself");
        }
        Object value = get(doc, o.from(), o);
        doc = remove(doc, o.from(), changes, o);
        return add(doc, o.path(), value, changes, o);
      }
      case COPY:
        return add(doc, o.path(), Trees.copy(get(doc, o.from(), o)), changes, o);
      case TEST: {
        Object actual;
        try {
          actual = get(doc, o.path(), o);
        } catch (PatchException e) {
          throw new PatchException(e.getMessage(), true);
        }
        if (!Trees.jsonEquals(actual, o.value())) {
          throw new PatchException(o + ": the value is " + io.regshift.kube.Json.write(actual) + ", not "
              + io.regshift.kube.Json.write(o.value()), true);
        }
        return doc;
      }
      default:
        throw new IllegalStateException(o.op().name());
    }
  }

  private static Object add(Object doc, JsonPointer path, Object value, Consumer<FieldChange> changes, Operation o) {
    if (path.isRoot()) {
      record(changes, path, doc, value);
      return value;
    }
    Object parent = container(doc, path, o);
    String token = path.last();
    if (parent instanceof Map<?, ?> m) {
      @SuppressWarnings("unchecked")
      Map<String, Object> map = (Map<String, Object>) m;
      Object old = map.get(token);
      map.put(token, value);
      record(changes, path, old, value);
      return doc;
    }
    @SuppressWarnings("unchecked")
    List<Object> list = (List<Object>) parent;
    int i = token.equals("-") ? list.size() : JsonPointer.index(token);
    if (i < 0 || i > list.size()) {
      throw fail(o, "index " + token + " is out of range (the list at " + path.parent() + " has " + list.size() + " items)");
    }
    list.add(i, value);
    record(changes, path.parent(), String.valueOf(i), null, value);
    return doc;
  }

  private static Object remove(Object doc, JsonPointer path, Consumer<FieldChange> changes, Operation o) {
    Object old = get(doc, path, o);
    if (path.isRoot()) {
      record(changes, path, old, null);
      return null;
    }
    Object parent = container(doc, path, o);
    if (parent instanceof Map<?, ?> m) {
      m.remove(path.last());
    } else {
      ((List<?>) parent).remove(JsonPointer.index(path.last()));
    }
    record(changes, path, old, null);
    return doc;
  }

  @SuppressWarnings("unchecked")
  private static void set(Object parent, String token, Object value) {
    if (parent instanceof Map<?, ?> m) {
      ((Map<String, Object>) m).put(token, value);
    } else {
      ((List<Object>) parent).set(JsonPointer.index(token), value);
    }
  }

  /** The object or list that holds the value {@code path} names; it must exist. */
  private static Object container(Object doc, JsonPointer path, Operation o) {
    Object parent = get(doc, path.parent(), o);
    if (!(parent instanceof Map<?, ?>) && !(parent instanceof List<?>)) {
      throw fail(o, path.parent().isRoot() ? "the document is not an object or a list"
          : path.parent() + " is " + kind(parent) + ", not an object or a list");
    }
    return parent;
  }

  /** The value at {@code path}; it must exist. */
  static Object get(Object doc, JsonPointer path, Operation o) {
    Object at = doc;
    List<String> tokens = path.tokens();
    for (int i = 0; i < tokens.size(); i++) {
      String t = tokens.get(i);
      if (at instanceof Map<?, ?> m) {
        if (!m.containsKey(t)) {
          throw fail(o, missing(tokens, i));
        }
        at = m.get(t);
      } else if (at instanceof List<?> l) {
        int index = JsonPointer.index(t);
        if (index < 0 || index >= l.size()) {
          throw fail(o, missing(tokens, i) + (t.equals("-") || index >= 0 ? " (the list has " + l.size() + " items)" : " (not a list index)"));
        }
        at = l.get(index);
      } else {
        throw fail(o, missing(tokens, i));
      }
    }
    return at;
  }

  private static String missing(List<String> tokens, int i) {
    return "there is no " + JsonPointer.fieldPath(tokens.subList(0, i + 1));
  }

  private static String kind(Object v) {
    return v == null ? "null" : v instanceof String ? "a string" : v instanceof Boolean ? "a boolean" : "a number";
  }

  private static void record(Consumer<FieldChange> changes, JsonPointer path, Object old, Object value) {
    if (!Objects.equals(old, value)) {
      changes.accept(new FieldChange(path.fieldPath(), old, value));
    }
  }

  private static void record(Consumer<FieldChange> changes, JsonPointer list, String index, Object old, Object value) {
    List<String> tokens = new java.util.ArrayList<>(list.tokens());
    tokens.add(index);
    changes.accept(new FieldChange(JsonPointer.fieldPath(tokens), old, value));
  }

  private static PatchException fail(Operation o, String why) {
    return new PatchException(o + ": " + why, false);
  }
}
