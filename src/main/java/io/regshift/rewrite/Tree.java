package io.regshift.rewrite;

import java.util.List;
import java.util.Map;

/** Reading fields of a decoded object tree without casts at every step; absent or mistyped is null. */
final class Tree {
  private Tree() {}

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object parent, String... path) {
    Object at = at(parent, path);
    return at instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object parent, String... path) {
    Object at = at(parent, path);
    return at instanceof List<?> l ? (List<Object>) l : null;
  }

  static String string(Object parent, String... path) {
    return at(parent, path) instanceof String s ? s : null;
  }

  /** A whole number (the tree holds Long, sometimes Integer), or 0 when absent. */
  static long number(Object parent, String... path) {
    return at(parent, path) instanceof Number n ? n.longValue() : 0;
  }

  static Object at(Object parent, String... path) {
    Object at = parent;
    for (String key : path) {
      if (!(at instanceof Map<?, ?> m)) {
        return null;
      }
      at = m.get(key);
    }
    return at;
  }
}
