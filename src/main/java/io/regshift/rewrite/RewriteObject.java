package io.regshift.rewrite;

import io.regshift.etcd.MvccEntry;
import io.regshift.kube.ObjectHead;
import io.regshift.kube.RegistryKey;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One object on its way through the rules: the entry as read, the key it will be written
 * under, and its decoded tree, which rules change in place. Rules call {@link #changed} for
 * every change, so the report is complete and unchanged objects keep their stored bytes.
 */
public final class RewriteObject {
  private final MvccEntry entry;
  private final Consumer<Change> report;
  private RegistryKey key;
  private final Map<String, Object> object;
  private final ObjectHead head;
  private boolean changed;
  private boolean dropped;

  /**
   * @param entry  the entry as the source stored it
   * @param key    its key, parsed
   * @param object the decoded tree (lossless for sinks that encode it back), or null when the
   *               value could not be decoded
   * @param report where changes go
   */
  public RewriteObject(MvccEntry entry, RegistryKey key, Map<String, Object> object, Consumer<Change> report) {
    this(entry, key, object, null, report);
  }

  /**
   * An object in the first pass, where only what the rules asked for is read.
   *
   * @param object the decoded tree, or null when no rule asked for it (or it could not be decoded)
   * @param head   its metadata head, or null when no rule asked for it (or it could not be read)
   */
  public RewriteObject(MvccEntry entry, RegistryKey key, Map<String, Object> object, ObjectHead head,
      Consumer<Change> report) {
    this.entry = entry;
    this.key = key;
    this.object = object;
    this.head = head;
    this.report = report;
  }

  public MvccEntry entry() {
    return entry;
  }

  /** The key the object will be written under (rules such as --map-namespace change it). */
  public RegistryKey key() {
    return key;
  }

  /** The decoded object; null when its value could not be decoded. */
  public Map<String, Object> object() {
    return object;
  }

  /**
   * The metadata head (uid, name, labels, owners) read in the first pass for rules that survey
   * {@link RewriteRule.SurveyNeed#HEAD}; null otherwise, or when the value could not be read.
   */
  public ObjectHead head() {
    return head;
  }

  /** Moves the object to another key, recording the change. */
  public void moveTo(String rule, RegistryKey newKey) {
    changed(rule, "key", key.key(), newKey.key());
    this.key = newKey;
  }

  /** Leaves the object out of the output (for example --drop-dangling-owners), recording why. */
  public void drop(String rule, String why) {
    changed(rule, "", why, null);
    dropped = true;
  }

  /** Records one change a rule made to the tree (the rule has already made it). */
  public void changed(String rule, String path, Object oldValue, Object newValue) {
    changed = true;
    report.accept(new Change(entry.keyString(), rule, path, oldValue, newValue));
  }

  /** Records a change with the reason it was made (a token removed so that it is made again). */
  public void changed(String rule, String path, Object oldValue, Object newValue, String note) {
    changed = true;
    report.accept(new Change(entry.keyString(), rule, path, oldValue, newValue, note));
  }

  /**
   * Reports something a rule saw and left as it was (a reference to an object outside the
   * selection): the report lists it, the object keeps its stored bytes.
   */
  public void kept(String rule, String path, Object value, String note) {
    report.accept(new Change(entry.keyString(), rule, path, value, value, note));
  }

  /** True when some rule changed the key or the tree: the value must be encoded again. */
  public boolean isChanged() {
    return changed;
  }

  public boolean isDropped() {
    return dropped;
  }
}
