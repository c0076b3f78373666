package io.regshift.testdata;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON trees as the codec takes them (Map/List/String/Long/Double/Boolean), built tersely.
 * Integers are widened to Long on the way in: the protobuf encoder accepts only Long for integers.
 */
final class Trees {
  private Trees() {}

  /**
   * An explicit JSON null, kept as a key with a null value: for Go value fields such as
   * {@code lastProbeTime} that kube-apiserver writes (as an empty message) even when unset.
   */
  static final Object NULL = new Object() {
    @Override
    public String toString() {
      return "null";
    }
  };

  /** An ordered map from alternating keys and values; a null value leaves the key out, {@link #NULL} keeps it. */
  static Map<String, Object> map(Object... keysAndValues) {
    if (keysAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("odd number of arguments");
    }
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      Object v = keysAndValues[i + 1];
      if (v == NULL) {
        m.put((String) keysAndValues[i], null);
      } else if (v != null) {
        m.put((String) keysAndValues[i], normalize(v));
      }
    }
    return m;
  }

  static List<Object> list(Object... items) {
    List<Object> l = new ArrayList<>(items.length);
    for (Object item : items) {
      l.add(normalize(item));
    }
    return l;
  }

  static List<Object> listOf(List<?> items) {
    List<Object> l = new ArrayList<>(items.size());
    for (Object item : items) {
      l.add(normalize(item));
    }
    return l;
  }

  /** A string-to-string map in the given order, e.g. labels. */
  static Map<String, Object> strings(String... keysAndValues) {
    return map((Object[]) keysAndValues);
  }

  private static Object normalize(Object v) {
    if (v instanceof Integer i) {
      return i.longValue();
    }
    return v;
  }

  /** A deep copy, so an update never changes a tree that was already written. */
  @SuppressWarnings("unchecked")
  static <T> T copy(T tree) {
    if (tree instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put((String) k, copy(v)));
      return (T) out;
    }
    if (tree instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      l.forEach(v -> out.add(copy(v)));
      return (T) out;
    }
    return tree;
  }

  /** The value at a path of keys, or null. */
  static Object at(Object tree, String... path) {
    Object cur = tree;
    for (String key : path) {
      if (!(cur instanceof Map<?, ?> m)) {
        return null;
      }
      cur = m.get(key);
    }
    return cur;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> mapAt(Object tree, String... path) {
    Object v = at(tree, path);
    if (!(v instanceof Map<?, ?>)) {
      throw new IllegalStateException("no object at " + String.join(".", path));
    }
    return (Map<String, Object>) v;
  }

  @SuppressWarnings("unchecked")
  static List<Object> listAt(Object tree, String... path) {
    Object v = at(tree, path);
    if (!(v instanceof List<?>)) {
      throw new IllegalStateException("no array at " + String.join(".", path));
    }
    return (List<Object>) v;
  }

  static String stringAt(Object tree, String... path) {
    Object v = at(tree, path);
    return v instanceof String s ? s : null;
  }

  /** The object at a path, created (empty) where missing. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> ensure(Map<String, Object> tree, String... path) {
    Map<String, Object> cur = tree;
    for (String key : path) {
      Object next = cur.get(key);
      if (!(next instanceof Map<?, ?>)) {
        next = new LinkedHashMap<String, Object>();
        cur.put(key, next);
      }
      cur = (Map<String, Object>) next;
    }
    return cur;
  }

  static Map<String, Object> metadata(Map<String, Object> obj) {
    return ensure(obj, "metadata");
  }
}
