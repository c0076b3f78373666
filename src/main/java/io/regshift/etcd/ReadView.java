package io.regshift.etcd;

/**
 * Which revisions of the keys a read returns.
 *
 * @param mode        latest state, state at a revision, or every stored revision
 * @param revision    for {@link Mode#AT}: the revision; else 0
 * @param deletedOnly for LATEST/AT: return instead the keys deleted by then whose history still
 *                    holds a live value (that value, marked deleted)
 */
public record ReadView(Mode mode, long revision, boolean deletedOnly) {

  public enum Mode { LATEST, AT, HISTORY }

  public static ReadView latest() {
    return new ReadView(Mode.LATEST, 0, false);
  }

  /** The state at {@code revision}; 0 means the latest. */
  public static ReadView at(long revision) {
    return revision == 0 ? latest() : new ReadView(Mode.AT, revision, false);
  }

  public static ReadView history() {
    return new ReadView(Mode.HISTORY, 0, false);
  }

  public ReadView deleted() {
    return new ReadView(mode, revision, true);
  }

  /** True when a change at {@code main} can be part of this view. */
  public boolean admits(long main) {
    return mode != Mode.AT || main <= revision;
  }
}
