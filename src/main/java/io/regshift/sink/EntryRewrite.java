package io.regshift.sink;

import io.regshift.etcd.MvccEntry;
import java.util.function.Supplier;

/**
 * Where each selected entry passes through the rewrite rules on its way into a snapshot file: the
 * entry to write, or null to leave it out. The rewrite engine plugs in here (its survey pass
 * first, when its rules need to see every object before changing any).
 */
public interface EntryRewrite {
  /** Every entry unchanged. */
  EntryRewrite NONE = e -> e;

  /** The entry to store (same revisions), or null to drop it. */
  MvccEntry apply(MvccEntry entry);

  /** True when {@link #survey} must see the selected entries before the first {@link #apply}. */
  default boolean needsSurvey() {
    return false;
  }

  /** The first pass, over the selected entries in key order. */
  default void survey(Supplier<MvccEntry> entries) {}
}
