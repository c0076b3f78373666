package io.regshift.rewrite;

import io.regshift.kube.RegistryKey;

/**
 * One rewrite rule (--new-uids, --service-cidr, --map-namespace, ...): it changes decoded objects
 * in place and records every change it makes. Rules run in a documented order (see
 * docs/rewrite.md); each sees the object as the rules before it left it.
 *
 * <p>Life cycle, driven by {@link Rewriter}: in a first pass over the source, {@link #survey}
 * is called once per selected object whose {@link #surveyNeed} is not NONE, then {@link #plan()}
 * once; then {@link #apply} once per object in the pass that writes. A rule keeps only small
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

  /**
   * True when {@link #mayChange(RegistryKey, byte[])} is true for every value stored under
   * {@code key}: the first pass then need not search a value to know that some rule may change it.
   */
  default boolean mayChangeWhateverTheValue(RegistryKey key) {
    return false;
  }

  /**
   * What the first pass must read of one selected object for this rule: the first pass reads of
   * each object only what some rule asks for (most objects need no decoding there at all).
   */
  enum SurveyNeed {
    /** The rule does not survey this object. */
    NONE,
    /** The key only ({@link RewriteObject#key()}); nothing of the value is decoded. */
    KEY,
    /** The metadata head ({@link RewriteObject#head()}: uid, name, labels, owners), not the object. */
    HEAD,
    /**
     * The decoded object ({@link RewriteObject#object()}) for its ordinary fields: embedded JSON
     * (managedFields' fieldsV1, RawExtensions) is left unparsed, as bytes.
     */
    FIELDS,
    /** The whole decoded object ({@link RewriteObject#object()}). */
    OBJECT
  }

  /**
   * What {@link #survey} needs of the object stored under {@code key}; NONE (the default) for
   * rules that need not see every object before they can rewrite any.
   */
  default SurveyNeed surveyNeed(RegistryKey key) {
    return SurveyNeed.NONE;
  }

  /**
   * First pass: one selected object, read-only, with what {@link #surveyNeed} asked for (the head
   * or object is null when the value could not be read).
   */
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
