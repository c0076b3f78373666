package io.regshift.sink;

import io.regshift.etcd.KeyRange;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Where each restore tier's keys lie in the source, as stretches of consecutive keys, so that the
 * pass for a tier reads its own stretches instead of the whole prefix (a restore makes one pass
 * per tier, and reading every value of a live cluster ten times is most of its time). Kubernetes
 * keeps a resource's keys under one path, so there are about as many stretches as resources;
 * past {@link #MAX_RUNS} in all, memory would grow with the keyspace, and every tier reads the
 * whole range instead.
 */
public final class TierRanges {
  public static final int MAX_RUNS = 4096;

  private final Map<RestoreTier, List<KeyRange>> runs = new EnumMap<>(RestoreTier.class);
  private int count;
  private boolean overflow;
  private RestoreTier tier;
  private byte[] first;
  private byte[] last;

  /** The next key of the source, in key order, and its tier. */
  public void add(byte[] key, RestoreTier keyTier) {
    if (tier != keyTier) {
      close();
      tier = keyTier;
      first = key;
    }
    last = key;
  }

  private void close() {
    if (tier != null && !overflow) {
      if (++count > MAX_RUNS) {
        overflow = true;
        runs.clear();
      } else {
        runs.computeIfAbsent(tier, t -> new ArrayList<>()).add(new KeyRange(first, Arrays.copyOf(last, last.length + 1)));
      }
    }
    tier = null;
  }

  /** Ends the scan. */
  public TierRanges done() {
    close();
    return this;
  }

  /** The stretches holding {@code t}'s keys, in key order; {@code whole} alone when there were too many to keep. */
  public List<KeyRange> ranges(RestoreTier t, KeyRange whole) {
    return overflow ? List.of(whole) : runs.getOrDefault(t, List.of());
  }

  /** Stretches in all (for --debug). */
  public int count() {
    return count;
  }
}
