package io.regshift.rewrite;

import io.regshift.kube.RegistryKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * --node-port-range A-B: node ports ({@code spec.ports[].nodePort}, {@code
 * spec.healthCheckNodePort}) outside the range, or taken by an earlier Service, get the next
 * free port inside it; the others stay. {@code /registry/ranges/servicenodeports} is written to
 * match: range "A-B", bit i = port A + i.
 *
 * <p>One Service may use one node port for two protocols (TCP and UDP on the same number); such
 * ports move together and count once, as kube-apiserver allocates them.
 */
public final class NodePortRule implements RewriteRule {
  public static final String NAME = "node-port-range";
  private static final String RANGE = "servicenodeports";

  private final PortRange target;
  // survey: source key → the Service's distinct node ports, in the order they appear
  private final Map<String, Set<Long>> portsByService = new LinkedHashMap<>();
  private final List<String> undecodable = new ArrayList<>();
  // plan: source key → old port → new port
  private final Map<String, Map<Long, Long>> moves = new HashMap<>();
  private RangeBitmap bitmap;
  private boolean planned;

  public NodePortRule(PortRange target) {
    this.target = target;
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Services, whole (their node ports); nothing else. */
  @Override
  public SurveyNeed surveyNeed(RegistryKey key) {
    return isService(key) ? SurveyNeed.FIELDS : SurveyNeed.NONE;
  }

  @Override
  public boolean mayChange(RegistryKey key) {
    return isService(key) || isRange(key);
  }

  private static boolean isService(RegistryKey key) {
    return key.inRegistry() && "services".equals(key.resource()) && "services/specs".equals(key.keyPath());
  }

  private static boolean isRange(RegistryKey key) {
    return key.inRegistry() && "rangeallocations".equals(key.resource()) && RANGE.equals(key.name());
  }

  @Override
  public void survey(RewriteObject object) {
    if (!isService(object.key())) {
      return;
    }
    if (object.object() == null) {
      undecodable.add(object.entry().keyString());
      return;
    }
    Set<Long> ports = new LinkedHashSet<>();
    List<Object> servicePorts = Tree.list(object.object(), "spec", "ports");
    if (servicePorts != null) {
      for (Object p : servicePorts) {
        long port = Tree.number(p, "nodePort");
        if (port != 0) {
          ports.add(port);
        }
      }
    }
    long health = Tree.number(object.object(), "spec", "healthCheckNodePort");
    if (health != 0) {
      ports.add(health);
    }
    if (!ports.isEmpty()) {
      portsByService.put(object.entry().keyString(), ports);
    }
  }

  @Override
  public void plan() {
    if (!undecodable.isEmpty()) {
      throw new RewriteException(NAME + ": " + undecodable.get(0) + " could not be decoded, so its node ports are unknown"
          + (undecodable.size() > 1 ? " (and " + (undecodable.size() - 1) + " more)" : "")
          + "; no node port can be moved safely");
    }
    int needed = portsByService.values().stream().mapToInt(Set::size).sum();
    if (needed > target.size()) {
      throw new RewriteException(NAME + ": --node-port-range " + target + " is too small: it holds " + target.size()
          + (target.size() == 1 ? " port" : " ports") + ", but the cluster's Services use " + needed + " node ports");
    }
    OffsetAllocator offsets = new OffsetAllocator(target.size(), dynamicBandStart(target.size()));
    // ports inside the range stay, the first Service holding one keeps it
    for (Map.Entry<String, Set<Long>> e : portsByService.entrySet()) {
      Map<Long, Long> moved = new LinkedHashMap<>();
      for (long port : e.getValue()) {
        if (target.contains(port) && offsets.take(port - target.first())) {
          moved.put(port, port);
        }
      }
      moves.put(e.getKey(), moved);
    }
    for (Map.Entry<String, Set<Long>> e : portsByService.entrySet()) {
      Map<Long, Long> moved = moves.get(e.getKey());
      for (long port : e.getValue()) {
        if (!moved.containsKey(port)) {
          moved.put(port, target.first() + offsets.next());
        }
      }
    }
    bitmap = RangeBitmap.empty();
    moves.values().forEach(m -> m.values().forEach(port -> bitmap.set((int) (port - target.first()))));
    planned = true;
  }

  /** kube-apiserver's port allocator: min(max(16, size/32), 128), 0 for 16 ports or fewer. */
  static long dynamicBandStart(int size) {
    if (size <= 16) {
      return 0;
    }
    return Math.min(Math.max(16, size / 32), 128);
  }

  @Override
  public void apply(RewriteObject object) {
    if (!planned) {
      throw new IllegalStateException(NAME + ": apply before plan");
    }
    Map<String, Object> tree = object.object();
    if (tree == null) {
      return;
    }
    if (isService(object.key())) {
      applyService(object, tree, moves.get(object.entry().keyString()));
    } else if (isRange(object.key())) {
      applyRange(object, tree);
    }
  }

  private static void applyService(RewriteObject object, Map<String, Object> tree, Map<Long, Long> moved) {
    if (moved == null) {
      return;
    }
    List<Object> ports = Tree.list(tree, "spec", "ports");
    if (ports != null) {
      for (int i = 0; i < ports.size(); i++) {
        Map<String, Object> port = Tree.map(ports.get(i));
        long old = Tree.number(port, "nodePort");
        Long now = moved.get(old);
        if (old != 0 && now != null && now != old) {
          port.put("nodePort", now);
          object.changed(NAME, "spec.ports[" + i + "].nodePort", old, now);
        }
      }
    }
    Map<String, Object> spec = Tree.map(tree, "spec");
    long health = Tree.number(spec, "healthCheckNodePort");
    Long now = moved.get(health);
    if (health != 0 && now != null && now != health) {
      spec.put("healthCheckNodePort", now);
      object.changed(NAME, "spec.healthCheckNodePort", health, now);
    }
  }

  private void applyRange(RewriteObject object, Map<String, Object> tree) {
    Object oldRange = tree.get("range");
    if (!target.toString().equals(oldRange)) {
      tree.put("range", target.toString());
      object.changed(NAME, "range", oldRange, target.toString());
    }
    String oldData = Tree.string(tree, "data");
    String newData = bitmap.toBase64();
    if (!newData.equals(oldData == null ? "" : oldData)) {
      tree.put("data", newData);
      object.changed(NAME, "data", bitmapOf(RangeBitmap.fromBase64(oldData).count()),
          bitmapOf(bitmap.count()) + " in " + target);
    }
  }

  /** The planned moves: source key → old port → new port (unmoved ports map to themselves). */
  public Map<String, Map<Long, Long>> plannedPorts() {
    return Map.copyOf(moves);
  }

  private static String bitmapOf(int n) {
    return "bitmap of " + n + (n == 1 ? " port" : " ports");
  }
}
