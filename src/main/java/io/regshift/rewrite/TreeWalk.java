package io.regshift.rewrite;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Walks a decoded object (Map / List / scalars) and lets a rule replace string values and map
 * keys in place, with the field path of each change for the report. Rules that look for a value
 * wherever it occurs (an old uid, an old namespace) use it instead of a list of known fields,
 * so references in kinds nobody listed (custom resources, managedFields keys) are found too.
 */
final class TreeWalk {
  private TreeWalk() {}

  /** What to replace; null keeps the value. */
  interface Rewrite {
    /**
     * @param parent the map holding the value, or for a list element, the map holding the list
     * @param field  the key in {@code parent} (the list's key for a list element)
     */
    String value(Map<String, Object> parent, String field, String value);

    /** A map key; null keeps it (managedFields keys such as {@code k:{"uid":"..."}} hold values). */
    default String key(String key) {
      return null;
    }
  }

  /** Receives each change: the field path, old and new value. */
  interface Changes {
    void changed(String path, Object oldValue, Object newValue);
  }

  /** Walks the whole tree except the top-level fields named in {@code skip}. */
  static void walk(Map<String, Object> root, List<String> skip, Rewrite rewrite, Changes changes) {
    new Walk(rewrite, changes).map(root, skip);
  }

  /**
   * One walk: the path as a stack of segments (a key, or for a list element null and its index),
   * made a string only for a change: most walks change nothing, and --new-uids walks every field
   * of every object.
   */
  private static final class Walk {
    private final Rewrite rewrite;
    private final Changes changes;
    private String[] keys = new String[32];
    private int[] indexes = new int[32];
    private int depth;

    Walk(Rewrite rewrite, Changes changes) {
      this.rewrite = rewrite;
      this.changes = changes;
    }

    private void push(String key, int index) {
      if (depth == keys.length) {
        keys = java.util.Arrays.copyOf(keys, depth * 2);
        indexes = java.util.Arrays.copyOf(indexes, depth * 2);
      }
      keys[depth] = key;
      indexes[depth] = index;
      depth++;
    }

    private String path() {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < depth; i++) {
        if (keys[i] == null) {
          b.append('[').append(indexes[i]).append(']');
        } else {
          appendField(b, keys[i]);
        }
      }
      return b.toString();
    }

    @SuppressWarnings("unchecked")
    void map(Map<String, Object> map, List<String> skip) {
      List<String[]> renames = null;
      for (Map.Entry<String, Object> e : map.entrySet()) {
        String field = e.getKey();
        if (skip != null && skip.contains(field)) {
          continue;
        }
        Object v = e.getValue();
        if (v instanceof String s) {
          String n = rewrite.value(map, field, s);
          if (n != null && !n.equals(s)) {
            e.setValue(n);
            push(field, 0);
            changes.changed(path(), s, n);
            depth--;
          }
        } else if (v instanceof Map<?, ?> m) {
          push(field, 0);
          map((Map<String, Object>) m, null);
          depth--;
        } else if (v instanceof List<?> l) {
          push(field, 0);
          list((List<Object>) l, map, field);
          depth--;
        }
        String newKey = rewrite.key(field);
        if (newKey != null && !newKey.equals(field)) {
          if (renames == null) {
            renames = new ArrayList<>();
          }
          renames.add(new String[] {field, newKey});
        }
      }
      if (renames != null) {
        // rebuild in the same order, so the encoded bytes move only where the key changed
        Map<String, Object> copy = new LinkedHashMap<>(map);
        Map<String, String> byOld = new LinkedHashMap<>();
        renames.forEach(r -> byOld.put(r[0], r[1]));
        map.clear();
        for (Map.Entry<String, Object> e : copy.entrySet()) {
          String n = byOld.get(e.getKey());
          if (n != null) {
            push(e.getKey(), 0);
            changes.changed(path() + " (key)", e.getKey(), n);
            depth--;
          }
          map.put(n == null ? e.getKey() : n, e.getValue());
        }
      }
    }

    @SuppressWarnings("unchecked")
    private void list(List<Object> list, Map<String, Object> owner, String field) {
      for (int i = 0; i < list.size(); i++) {
        Object v = list.get(i);
        if (v instanceof String s) {
          String n = rewrite.value(owner, field, s);
          if (n != null && !n.equals(s)) {
            list.set(i, n);
            push(null, i);
            changes.changed(path(), s, n);
            depth--;
          }
        } else if (v instanceof Map<?, ?> m) {
          push(null, i);
          map((Map<String, Object>) m, null);
          depth--;
        } else if (v instanceof List<?> l) {
          push(null, i);
          list((List<Object>) l, owner, field);
          depth--;
        }
      }
    }
  }

  /** {@code a.b}, or {@code a["kubernetes.io/x"]} for keys that are not plain names. */
  static void appendField(StringBuilder path, String field) {
    boolean plain = !field.isEmpty();
    for (int i = 0; i < field.length() && plain; i++) {
      char c = field.charAt(i);
      // ASCII answered without Character's tables: a path is made for each of 455,000 changes
      plain = c < 128 ? c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
          : Character.isLetterOrDigit(c);
    }
    if (plain) {
      if (path.length() > 0) {
        path.append('.');
      }
      path.append(field);
    } else {
      path.append("[\"").append(field.replace("\\", "\\\\").replace("\"", "\\\"")).append("\"]");
    }
  }

  /** The path of a field given as its segments (String keys, Integer indexes). */
  static String path(Object... segments) {
    StringBuilder b = new StringBuilder();
    for (Object s : segments) {
      if (s instanceof Integer i) {
        b.append('[').append(i).append(']');
      } else {
        appendField(b, (String) s);
      }
    }
    return b.toString();
  }

  /** The map at {@code keys} below {@code root}, or null. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Map<String, Object> root, String... keys) {
    Object o = root;
    for (String k : keys) {
      if (!(o instanceof Map<?, ?> m)) {
        return null;
      }
      o = m.get(k);
    }
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
  }

  /** The list at {@code keys} below {@code root}, or an empty list. */
  @SuppressWarnings("unchecked")
  static List<Object> list(Map<String, Object> root, String... keys) {
    Object o = root;
    for (String k : keys) {
      if (!(o instanceof Map<?, ?> m)) {
        return List.of();
      }
      o = m.get(k);
    }
    return o instanceof List<?> l ? (List<Object>) l : List.of();
  }
}
