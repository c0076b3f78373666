package io.regshift.rewrite;

import io.regshift.kube.RegistryKey;

/**
 * One rewrite rule (--new-uids, --service-cidr, --map-namespace, ...): it changes decoded objects
 * in place and records every change it makes. Rules run in a documented order (see
 * docs/rewrite.md); each sees the object as the rules before it left it.
 *
 * <p>Life cycle, driven by {@link Rewriter}: when {@link #needsSurvey()} is true, {@link #survey}
 * is called once per selected object in a first pass over the source, then {@link #plan()} once;
 * then {@link #apply} once per object in the pass that writes. A rule keeps only small
 * per-object entries between the passes (a uid, an IP), never whole objects.
 *
 * <p>{@link #apply} is called from several threads at once (decoding runs on every core): after
 * {@link #plan()} a rule's state must only be read.
 */
public interface RewriteRule {

  /** The rule's name in reports and messages: its flag without dashes, e.g. "new-uids". */
  String name();

  /**
   * True when the rule may change the object stored under {@code key} (its key or its value).
   * Objects no rule may change are copied byte for byte, never decoded.
   */
  default boolean mayChange(RegistryKey key) {
    return true;
  }

  /**
   * The same question with the stored value at hand (plaintext or encrypted bytes): a rule can
   * rule out most objects by a byte search, before anything is decoded.
   */
  default boolean mayChange(RegistryKey key, byte[] value) {
    return mayChange(key);
  }

  /** True when the rule must see every selected object before it can rewrite any. */
  default boolean needsSurvey() {
    return false;
  }

  /**
   * False when {@link #survey} needs the key only: the first pass then decodes no value for it
   * ({@link RewriteObject#object()} is null).
   */
  default boolean surveyNeedsValue() {
    return true;
  }

  /** First pass: one selected object, read-only. */
  default void survey(RewriteObject object) {}

  /**
   * After the survey, before anything is written: decide (allocate IPs, uids) and check.
   *
   * @throws RewriteException when the rule cannot be carried out (a CIDR too small, a mapping
   *                          onto an existing namespace): nothing has been written yet
   */
  default void plan() {}

  /** Rewrites one object in place; each change is recorded with {@link RewriteObject#changed}. */
  void apply(RewriteObject object);
}
