package io.regshift.kube;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Field-level differences between two JSON trees of one object: what a person wants to see
 * between two revisions. Maps are compared key by key; lists whose elements carry a merge key
 * (name, type, manager/operation/subresource, ...) element by key, so that a reordering does not
 * read as every element changing; other lists element by index.
 */
public final class TreeDiff {
  private TreeDiff() {}

  /** What happened to a field. */
  public enum Op { ADDED, REMOVED, CHANGED }

  /**
   * One difference.
   *
   * @param path     e.g. {@code spec.template.spec.containers[0].image} or
   *                 {@code metadata.labels["app.kubernetes.io/name"]}
   * @param op       added, removed or changed
   * @param oldValue the value before (null when added)
   * @param newValue the value after (null when removed)
   */
  public record Change(String path, Op op, Object oldValue, Object newValue) {}

  public static List<Change> diff(Object before, Object after) {
    List<Change> out = new ArrayList<>();
    walk("", before, after, out);
    return out;
  }

  @SuppressWarnings("unchecked")
  private static void walk(String path, Object a, Object b, List<Change> out) {
    if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
      Set<Object> keys = new LinkedHashSet<>(ma.keySet());
      keys.addAll(mb.keySet());
      for (Object k : keys) {
        String p = child(path, k.toString());
        boolean inA = ma.containsKey(k);
        boolean inB = mb.containsKey(k);
        if (inA && !inB) {
          out.add(new Change(p, Op.REMOVED, ma.get(k), null));
        } else if (!inA) {
          out.add(new Change(p, Op.ADDED, null, mb.get(k)));
        } else {
          walk(p, ma.get(k), mb.get(k), out);
        }
      }
    } else if (a instanceof List<?> la && b instanceof List<?> lb && keyedBy(la, lb) != null) {
      List<String> fields = keyedBy(la, lb);
      Map<String, Object> ka = byKey(la, fields);
      Map<String, Object> kb = byKey(lb, fields);
      Set<String> keys = new LinkedHashSet<>(ka.keySet());
      keys.addAll(kb.keySet());
      for (String k : keys) {
        String p = path + "[" + k + "]";
        if (!kb.containsKey(k)) {
          out.add(new Change(p, Op.REMOVED, ka.get(k), null));
        } else if (!ka.containsKey(k)) {
          out.add(new Change(p, Op.ADDED, null, kb.get(k)));
        } else {
          walk(p, ka.get(k), kb.get(k), out);
        }
      }
    } else if (a instanceof List<?> la && b instanceof List<?> lb) {
      int n = Math.max(la.size(), lb.size());
      for (int i = 0; i < n; i++) {
        String p = path + "[" + i + "]";
        if (i >= lb.size()) {
          out.add(new Change(p, Op.REMOVED, la.get(i), null));
        } else if (i >= la.size()) {
          out.add(new Change(p, Op.ADDED, null, lb.get(i)));
        } else {
          walk(p, la.get(i), lb.get(i), out);
        }
      }
    } else if (!Objects.equals(a, b)) {
      out.add(new Change(path.isEmpty() ? "." : path, Op.CHANGED, a, b));
    }
  }

  // merge keys Kubernetes lists are identified by (containers, env, conditions, managedFields, ...)
  private static final List<List<String>> LIST_KEYS = List.of(List.of("name"), List.of("type"),
      List.of("manager", "operation", "subresource"), List.of("uid"), List.of("containerPort", "protocol"));

  /** The fields that identify every element of both lists uniquely, or null to compare by index. */
  private static List<String> keyedBy(List<?> a, List<?> b) {
    for (List<String> fields : LIST_KEYS) {
      if (unique(a, fields) && unique(b, fields) && !(a.isEmpty() && b.isEmpty())) {
        return fields;
      }
    }
    return null;
  }

  private static boolean unique(List<?> list, List<String> fields) {
    Set<String> seen = new java.util.HashSet<>();
    for (Object o : list) {
      if (!(o instanceof Map<?, ?> m) || !m.containsKey(fields.get(0)) || !seen.add(key(m, fields))) {
        return false;
      }
    }
    return true;
  }

  private static Map<String, Object> byKey(List<?> list, List<String> fields) {
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    for (Object o : list) {
      out.put(key((Map<?, ?>) o, fields), o);
    }
    return out;
  }

  private static String key(Map<?, ?> m, List<String> fields) {
    StringBuilder b = new StringBuilder();
    for (String f : fields) {
      if (m.get(f) != null) {
        b.append(b.length() == 0 ? "" : ",").append(f).append('=').append(m.get(f));
      }
    }
    return b.toString();
  }

  private static String child(String path, String key) {
    boolean plain = !key.isEmpty() && key.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_' || c == '-');
    if (plain) {
      return path.isEmpty() ? key : path + "." + key;
    }
    return path + "[" + Json.write(key) + "]";
  }
}
