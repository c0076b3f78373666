package io.regshift.sink;

/** What a restore does with a key the target already holds (and the journal does not record as its own). */
public enum ConflictPolicy {
  /** Stop at the first one: nothing in the target is touched. */
  FAIL,
  /** Leave the target's value and go on. */
  SKIP,
  /** Replace the target's value (only if it did not change since it was read). */
  OVERWRITE
}
