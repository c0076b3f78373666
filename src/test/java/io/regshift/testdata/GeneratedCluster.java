package io.regshift.testdata;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The generator's clusters held in memory (no etcd): the live keys and values that writing its
 * steps into etcd would leave, in etcd's key order, for tests of code that works on stored values.
 */
public final class GeneratedCluster {
  private GeneratedCluster() {}

  /** The demo cluster's live keys at its last step. */
  public static Map<String, byte[]> demo(long seed) {
    Map<String, byte[]> live = keyOrdered();
    ClusterModel.demo(seed, step -> apply(live, step));
    return live;
  }

  /** A big cluster of at least {@code objects} objects. */
  public static Map<String, byte[]> scaled(long seed, long objects) {
    Map<String, byte[]> live = keyOrdered();
    ClusterModel.scaled(seed, objects, step -> apply(live, step));
    return live;
  }

  private static Map<String, byte[]> keyOrdered() {
    return new TreeMap<>((a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8)));
  }

  private static void apply(Map<String, byte[]> live, Step step) {
    if (step instanceof Step.Create c) {
      live.put(c.key(), c.value());
    } else if (step instanceof Step.Update u) {
      live.put(u.key(), u.value());
    } else if (step instanceof Step.Delete d) {
      live.remove(d.key());
    }
  }
}
