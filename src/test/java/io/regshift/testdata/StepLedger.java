package io.regshift.testdata;

import io.regshift.kube.RegistryKey;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Passes steps on and keeps account of them: which keys exist at the end (and their value
 * sizes), which were deleted, how many objects of each resource, how many bytes. What the
 * generator claims to have written, for its summary and for tests to hold etcd against.
 */
final class StepLedger implements Consumer<Step> {
  private final Consumer<Step> next;
  private final Map<String, Integer> liveSizes = new HashMap<>();
  private final Set<String> deleted = new TreeSet<>();
  private final Map<String, Integer> perResource = new TreeMap<>();
  private long creates;
  private long updates;
  private long deletes;
  private long leases;
  private long compactorRuns;
  private long bytesWritten;
  private long liveBytes;

  StepLedger(Consumer<Step> next) {
    this.next = next;
  }

  @Override
  public void accept(Step step) {
    if (step instanceof Step.Create c) {
      creates++;
      put(c.key(), c.value().length);
      perResource.merge(resourceOf(c.key()), 1, Integer::sum);
      deleted.remove(c.key());
    } else if (step instanceof Step.Update u) {
      updates++;
      put(u.key(), u.value().length);
    } else if (step instanceof Step.Delete d) {
      deletes++;
      Integer size = liveSizes.remove(d.key());
      if (size != null) {
        liveBytes -= size;
      }
      deleted.add(d.key());
    } else if (step instanceof Step.GrantLease) {
      leases++;
    } else if (step instanceof Step.CompactorRun) {
      compactorRuns++;
    }
    next.accept(step);
  }

  private void put(String key, int size) {
    Integer old = liveSizes.put(key, size);
    liveBytes += size - (old == null ? 0 : old);
    bytesWritten += size;
  }

  private static String resourceOf(String key) {
    try {
      RegistryKey k = RegistryKey.parse(key);
      return k.inRegistry() ? k.groupResource() : key;
    } catch (IllegalArgumentException e) {
      return key;
    }
  }

  /** Keys that exist at the end (the compactor's compact_rev_key is not counted). */
  Set<String> liveKeys() {
    return Collections.unmodifiableSet(liveSizes.keySet());
  }

  /** Keys deleted and not created again. */
  Set<String> deletedKeys() {
    return Collections.unmodifiableSet(deleted);
  }

  /** Objects created per resource, e.g. "pods" → 14, "deployments.apps" → 5. */
  Map<String, Integer> createdPerResource() {
    return Collections.unmodifiableMap(perResource);
  }

  long creates() {
    return creates;
  }

  long updates() {
    return updates;
  }

  long deletes() {
    return deletes;
  }

  long leases() {
    return leases;
  }

  long compactorRuns() {
    return compactorRuns;
  }

  /** Bytes of every value written, updates included. */
  long bytesWritten() {
    return bytesWritten;
  }

  /** Bytes of the values that exist at the end. */
  long liveBytes() {
    return liveBytes;
  }

  String summary() {
    StringBuilder b = new StringBuilder();
    b.append(String.format("%d objects live (%.1f MiB of values); %d creates, %d updates, %d deletes, "
            + "%d leases, %d compactor runs; %.1f MiB written%n",
        liveSizes.size(), liveBytes / 1048576.0, creates, updates, deletes, leases, compactorRuns,
        bytesWritten / 1048576.0));
    perResource.forEach((resource, n) -> b.append(String.format("  %-45s %8d%n", resource, n)));
    return b.toString();
  }
}
