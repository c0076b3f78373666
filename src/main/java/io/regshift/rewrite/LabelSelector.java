package io.regshift.rewrite;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A metav1.LabelSelector as written in manifests: {@code matchLabels} and {@code matchExpressions}
 * (In, NotIn, Exists, DoesNotExist), all of which must hold. An empty selector matches everything.
 */
public record LabelSelector(Map<String, String> matchLabels, List<Requirement> matchExpressions) {

  public enum Operator { In, NotIn, Exists, DoesNotExist }

  public record Requirement(String key, Operator operator, Set<String> values) {
    public Requirement {
      boolean needsValues = operator == Operator.In || operator == Operator.NotIn;
      if (needsValues && values.isEmpty()) {
        throw new IllegalArgumentException("operator " + operator + " needs values");
      }
      if (!needsValues && !values.isEmpty()) {
        throw new IllegalArgumentException("operator " + operator + " takes no values");
      }
    }

    boolean matches(Map<String, String> labels) {
      String v = labels.get(key);
      return switch (operator) {
        case In -> v != null && values.contains(v);
        case NotIn -> v == null || !values.contains(v);
        case Exists -> labels.containsKey(key);
        case DoesNotExist -> !labels.containsKey(key);
      };
    }
  }

  public boolean matches(Map<String, String> labels) {
    for (Map.Entry<String, String> e : matchLabels.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    for (Requirement r : matchExpressions) {
      if (!r.matches(labels)) {
        return false;
      }
    }
    return true;
  }
}
