package io.regshift.kube;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Field-level differences between two JSON trees of one object: what a person wants to see
 * between two revisions. Maps are compared key by key, lists element by element.
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

  private static String child(String path, String key) {
    boolean plain = !key.isEmpty() && key.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_' || c == '-');
    if (plain) {
      return path.isEmpty() ? key : path + "." + key;
    }
    return path + "[" + Json.write(key) + "]";
  }
}
