package io.regshift.sink;

import io.regshift.etcd.EntryReader;
import io.regshift.etcd.MvccEntry;
import java.util.function.Supplier;

/**
 * Where each selected entry passes through the rewrite rules on its way into a snapshot file: the
 * entry to write, or null to leave it out. The rewrite engine plugs in here (its survey pass
 * first, when its rules need to see every object before changing any).
 *
 * <p>One entry's work comes in two parts: {@link #prepare}, the costly pure part (select, rewrite,
 * seal for the target), which a hook that says {@link #parallel} lets run on every core; and the
 * returned {@link Prepared#commit}, which the writer calls on its own thread in input order, where
 * the counts and the report are kept, so they are those of a sequential run.
 */
public interface EntryRewrite {
  /** Every entry unchanged. */
  EntryRewrite NONE = e -> e;

  /** The entry to store (same revisions), or null to drop it. */
  MvccEntry apply(MvccEntry entry);

  /** The second part of one entry's work, on the writing thread, in input order. */
  @FunctionalInterface
  interface Prepared {
    /** The entry to store, or null to drop it; records what was done; throws what the first part found wrong. */
    MvccEntry commit();
  }

  /**
   * The first part of one entry's work; called on any thread when {@link #parallel}, else on the
   * writing thread just before the commit. The default does all the work in the commit.
   */
  default Prepared prepare(MvccEntry entry) {
    return () -> apply(entry);
  }

  /** True when {@link #prepare} is thread-safe and costly enough to be worth running on every core. */
  default boolean parallel() {
    return false;
  }

  /** True when {@link #survey} must see the selected entries before the first {@link #apply}. */
  default boolean needsSurvey() {
    return false;
  }

  /** The first pass, over the selected entries in key order. */
  default void survey(Supplier<MvccEntry> entries) {}

  /**
   * The first pass, from the reader itself (whose {@link EntryReader#nextLoader} lets values be
   * copied on every core), with a way to read the entries again from the start (the same ones, in
   * the same order), for a hook that must look at them again before it refuses them.
   */
  default void survey(EntryReader first, Supplier<EntryReader> again) {
    survey(first::next);
  }

  /** After the last commit, before the output is kept: throws what makes it unfit to keep. */
  default void finish() {}
}
