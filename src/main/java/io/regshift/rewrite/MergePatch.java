package io.regshift.rewrite;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A JSON Merge Patch (RFC 7386): an object whose members replace the target's, null removing
 * one, objects merging recursively, anything else (lists too) replacing the whole value.
 */
public final class MergePatch {
  private final Object patch;

  public MergePatch(Object patch) {
    this.patch = patch;
  }

  public Object patch() {
    return patch;
  }

  /**
   * Applies the patch, changing {@code target} in place where it is an object.
   *
   * @return the result (a new value when the patch is not an object, or the target is not one)
   */
  public Object apply(Object target, Consumer<FieldChange> changes) {
    return merge(target, patch, new ArrayList<>(), changes);
  }

  @SuppressWarnings("unchecked")
  private static Object merge(Object target, Object patch, List<String> path, Consumer<FieldChange> changes) {
    if (!(patch instanceof Map<?, ?> p)) {
      Object value = Trees.copy(patch);
      record(changes, path, target, value);
      return value;
    }
    if (!(target instanceof Map<?, ?>)) {
      Object value = fresh((Map<String, Object>) p);
      record(changes, path, target, value);
      return value;
    }
    Map<String, Object> t = (Map<String, Object>) target;
    for (Map.Entry<String, Object> e : ((Map<String, Object>) p).entrySet()) {
      String name = e.getKey();
      path.add(name);
      if (e.getValue() == null) {
        if (t.containsKey(name)) {
          record(changes, path, t.remove(name), null);
        }
      } else if (e.getValue() instanceof Map<?, ?> && t.get(name) instanceof Map<?, ?>) {
        merge(t.get(name), e.getValue(), path, changes);
      } else {
        Object value = e.getValue() instanceof Map<?, ?> m ? fresh((Map<String, Object>) m) : Trees.copy(e.getValue());
        Object old = t.put(name, value);
        record(changes, path, old, value);
      }
      path.remove(path.size() - 1);
    }
    return t;
  }

  /** The patch applied to nothing: the object without its null members, at every depth. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> fresh(Map<String, Object> patch) {
    Map<String, Object> out = new LinkedHashMap<>();
    patch.forEach((k, v) -> {
      if (v != null) {
        out.put(k, v instanceof Map<?, ?> m ? fresh((Map<String, Object>) m) : Trees.copy(v));
      }
    });
    return out;
  }

  private static void record(Consumer<FieldChange> changes, List<String> path, Object old, Object value) {
    if (!Objects.equals(old, value)) {
      changes.accept(new FieldChange(JsonPointer.fieldPath(path), old, value));
    }
  }
}
