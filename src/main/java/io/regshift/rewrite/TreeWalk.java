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
    // the path as segments (String keys, Integer indexes), made a string only for a change: most
    // walks change nothing, and --new-uids walks every field of every object
    walkMap(root, new ArrayList<>(), rewrite, changes, skip);
  }

  private static String path(List<Object> segments) {
    return path(segments.toArray());
  }

  @SuppressWarnings("unchecked")
  private static void walkMap(Map<String, Object> map, List<Object> path, Rewrite rewrite, Changes changes, List<String> skip) {
    List<String[]> renames = null;
    for (Map.Entry<String, Object> e : map.entrySet()) {
      String field = e.getKey();
      if (skip != null && skip.contains(field)) {
        continue;
      }
      path.add(field);
      Object v = e.getValue();
      if (v instanceof String s) {
        String n = rewrite.value(map, field, s);
        if (n != null && !n.equals(s)) {
          e.setValue(n);
          changes.changed(path(path), s, n);
        }
      } else if (v instanceof Map<?, ?> m) {
        walkMap((Map<String, Object>) m, path, rewrite, changes, null);
      } else if (v instanceof List<?> l) {
        walkList((List<Object>) l, map, field, path, rewrite, changes);
      }
      path.remove(path.size() - 1);
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
          path.add(e.getKey());
          changes.changed(path(path) + " (key)", e.getKey(), n);
          path.remove(path.size() - 1);
        }
        map.put(n == null ? e.getKey() : n, e.getValue());
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static void walkList(List<Object> list, Map<String, Object> owner, String field, List<Object> path,
      Rewrite rewrite, Changes changes) {
    for (int i = 0; i < list.size(); i++) {
      path.add(i);
      Object v = list.get(i);
      if (v instanceof String s) {
        String n = rewrite.value(owner, field, s);
        if (n != null && !n.equals(s)) {
          list.set(i, n);
          changes.changed(path(path), s, n);
        }
      } else if (v instanceof Map<?, ?> m) {
        walkMap((Map<String, Object>) m, path, rewrite, changes, null);
      } else if (v instanceof List<?> l) {
        walkList((List<Object>) l, owner, field, path, rewrite, changes);
      }
      path.remove(path.size() - 1);
    }
  }

  /** {@code a.b}, or {@code a["kubernetes.io/x"]} for keys that are not plain names. */
  static void appendField(StringBuilder path, String field) {
    boolean plain = !field.isEmpty();
    for (int i = 0; i < field.length() && plain; i++) {
      char c = field.charAt(i);
      plain = Character.isLetterOrDigit(c) || c == '_' || c == '-';
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
