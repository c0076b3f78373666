package io.regshift.rewrite;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The field paths changes are recorded with ("spec.ports[0].nodePort", "metadata.labels[a.b/c]"), read and written. */
final class TreePath {
  private TreePath() {}

  /** Path steps: String for a map key, Integer for a list index. */
  static List<Object> steps(String path) {
    List<Object> steps = new ArrayList<>();
    int i = 0;
    while (i < path.length()) {
      char c = path.charAt(i);
      if (c == '.') {
        i++;
      } else if (c == '[') {
        int end = path.indexOf(']', i);
        String inside = path.substring(i + 1, end);
        steps.add(inside.chars().allMatch(Character::isDigit) ? (Object) Integer.valueOf(inside) : inside);
        i = end + 1;
      } else {
        int end = i;
        while (end < path.length() && path.charAt(end) != '.' && path.charAt(end) != '[') {
          end++;
        }
        steps.add(path.substring(i, end));
        i = end;
      }
    }
    return steps;
  }

  static Object get(Object tree, String path) {
    Object at = tree;
    for (Object step : steps(path)) {
      if (at == null) {
        return null;
      }
      at = step instanceof Integer i ? ((List<?>) at).get(i) : ((Map<?, ?>) at).get(step);
    }
    return at;
  }

  @SuppressWarnings("unchecked")
  static void set(Object tree, String path, Object value) {
    List<Object> steps = steps(path);
    Object at = tree;
    for (Object step : steps.subList(0, steps.size() - 1)) {
      at = step instanceof Integer i ? ((List<?>) at).get(i) : ((Map<?, ?>) at).get(step);
    }
    Object last = steps.get(steps.size() - 1);
    if (last instanceof Integer i) {
      ((List<Object>) at).set(i, value);
    } else if (value == null) {
      ((Map<String, Object>) at).remove(last);
    } else {
      ((Map<String, Object>) at).put((String) last, value);
    }
  }
}
