package io.regshift.kube;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Reads YAML or JSON manifests (several documents allowed, {@code kind: List} unwrapped) into
 * JSON trees. YAML 1.2's core schema, as kubectl's parser mostly behaves: {@code yes}/{@code on}
 * stay strings, timestamps stay strings.
 */
public final class ManifestReader {
  /**
   * @throws IllegalArgumentException with the line and column of a syntax error, or when a
   *     document is not a mapping
   */
  public static List<Map<String, Object>> read(String text) {
    LoadSettings settings = LoadSettings.builder().setCodePointLimit(Integer.MAX_VALUE).setAllowDuplicateKeys(true).build();
    List<Map<String, Object>> out = new ArrayList<>();
    try {
      int doc = 0;
      for (Object o : new Load(settings).loadAllFromString(text)) {
        doc++;
        if (o == null) {
          continue; // empty document, e.g. a trailing ---
        }
        Object tree = toTree(o);
        if (!(tree instanceof Map<?, ?>)) {
          throw new IllegalArgumentException("document " + doc + " is not an object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> obj = (Map<String, Object>) tree;
        if ("List".equals(obj.get("kind")) && obj.get("items") instanceof List<?> items) {
          for (Object item : items) {
            if (item instanceof Map<?, ?>) {
              @SuppressWarnings("unchecked")
              Map<String, Object> m = (Map<String, Object>) item;
              out.add(m);
            }
          }
        } else {
          out.add(obj);
        }
      }
    } catch (MarkedYamlEngineException e) {
      String where = e.getProblemMark().map(m -> "line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1) + ": ").orElse("");
      throw new IllegalArgumentException(where + e.getProblem());
    } catch (YamlEngineException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
    return out;
  }

  /** snakeyaml's values to the tree types: Long/BigInteger/Double numbers, String keys. */
  private static Object toTree(Object o) {
    if (o instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        out.put(String.valueOf(e.getKey()), toTree(e.getValue()));
      }
      return out;
    }
    if (o instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      l.forEach(x -> out.add(toTree(x)));
      return out;
    }
    if (o instanceof Integer i) {
      return i.longValue();
    }
    if (o instanceof BigInteger b) {
      return b.bitLength() < 64 ? (Object) b.longValue() : b;
    }
    if (o instanceof Float f) {
      return f.doubleValue();
    }
    if (o instanceof byte[] b) {
      return java.util.Base64.getEncoder().encodeToString(b);
    }
    return o;
  }

  private ManifestReader() {}
}
