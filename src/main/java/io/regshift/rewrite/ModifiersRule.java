package io.regshift.rewrite;

import io.regshift.kube.RegistryKey;
import io.regshift.rewrite.ResourceModifiers.Conditions;
import io.regshift.rewrite.ResourceModifiers.Rule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * --modifiers FILE: Velero's resource modifier rules on every selected object, as Velero applies
 * them on restore. Conditions are tested on the object as read (not as earlier rules left it);
 * the rules whose conditions hold apply in file order, each to what the rules before it made. A
 * rule's JSON patch is all or nothing: a {@code test} that fails skips the rule's patch and the
 * object goes on unchanged by it. Any other failure (a path that is not there) fails the object
 * with nothing changed, and the rewrite reports it.
 *
 * <p>The first pass tries the rules on every object they may change, so an object a patch cannot
 * be applied to is named before anything is written.
 *
 * <p>A rule that changes metadata.name or metadata.namespace moves the object to the key those
 * name, so what is written stays consistent.
 */
public final class ModifiersRule implements RewriteRule {
  /** Failures quoted in the error of {@link #plan}; the rest are counted. */
  private static final int QUOTED = 5;

  private final ResourceModifiers modifiers;
  private final List<String> failures = new ArrayList<>();
  private long failureCount;

  public ModifiersRule(ResourceModifiers modifiers) {
    this.modifiers = modifiers;
  }

  /** The objects the rules may change, whole: the first pass tries the rules on them. */
  @Override
  public SurveyNeed surveyNeed(RegistryKey key) {
    return mayChange(key) ? SurveyNeed.OBJECT : SurveyNeed.NONE;
  }

  /** First pass: the rules on a copy of the object, to find those that fail before anything is written. */
  @Override
  public void survey(RewriteObject object) {
    if (object.object() == null || !mayChange(object.key())) {
      return;
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> copy = (Map<String, Object>) Trees.copy(object.object());
    try {
      apply(new RewriteObject(object.entry(), object.key(), copy, change -> {}));
    } catch (RewriteException e) {
      if (failures.size() < QUOTED) {
        failures.add(e.getMessage());
      }
      failureCount++;
    }
  }

  @Override
  public void plan() {
    if (failureCount > 0) {
      throw new RewriteException("--modifiers " + modifiers.source() + ": the rules fail on " + failureCount
          + (failureCount == 1 ? " object" : " objects") + ", nothing written: " + String.join("; ", failures)
          + (failureCount > failures.size() ? "; and " + (failureCount - failures.size()) + " more" : ""));
    }
  }

  @Override
  public String name() {
    return "modifiers";
  }

  @Override
  public boolean mayChange(RegistryKey key) {
    if (!key.inRegistry()) {
      return false;
    }
    for (Rule r : modifiers.rules()) {
      if (r.conditions().groupResource().matches(key.groupResource()) && namespaceMatches(r.conditions(), key.namespace())) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void apply(RewriteObject object) {
    Map<String, Object> original = object.object();
    if (original == null || !object.key().inRegistry()) {
      return;
    }
    Object work = null;
    List<Change> changes = new ArrayList<>();
    for (Rule rule : modifiers.rules()) {
      if (!matches(rule, object.key(), original)) {
        continue;
      }
      Object next = Trees.copy(work == null ? original : work);
      List<FieldChange> made = new ArrayList<>();
      if (rule.patches() != null) {
        try {
          next = rule.patches().apply(next, made::add);
        } catch (JsonPatch.PatchException e) {
          if (e.testFailed()) {
            continue; // Velero: a failed test skips the rule's patch
          }
          throw failure(object, rule, e.getMessage());
        }
      } else {
        for (MergePatch m : rule.mergePatches()) {
          next = m.apply(next, made::add);
        }
      }
      if (!(next instanceof Map<?, ?>)) {
        throw failure(object, rule, "the patch leaves " + (next == null ? "null" : "a " + next.getClass().getSimpleName())
            + " where the object was");
      }
      work = next;
      made.forEach(c -> changes.add(new Change(object.entry().keyString(), rule.name(), c.path(), c.oldValue(), c.newValue())));
    }
    if (changes.isEmpty()) {
      return;
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> result = (Map<String, Object>) work;
    RegistryKey newKey = keyOf(object, result, changes);
    original.clear();
    original.putAll(result);
    for (Change c : changes) {
      object.changed(c.rule(), c.path(), c.oldValue(), c.newValue());
    }
    if (newKey != null) {
      object.moveTo(changes.get(changes.size() - 1).rule(), newKey);
    }
  }

  /** The key a renamed object must move to, or null when name and namespace are as before. */
  private RegistryKey keyOf(RewriteObject object, Map<String, Object> result, List<Change> changes) {
    RegistryKey key = object.key();
    String name = metadataString(result, "name");
    String namespace = metadataString(result, "namespace");
    String wasNamespace = key.namespaced() ? key.namespace() : null;
    if (Objects.equals(name, key.name()) && Objects.equals(namespace, wasNamespace)) {
      return null;
    }
    String rule = changes.get(changes.size() - 1).rule();
    if (name == null || name.isEmpty()) {
      throw new RewriteException(key.raw() + ": " + rule + " leaves the object without metadata.name");
    }
    if (key.namespaced() != (namespace != null && !namespace.isEmpty())) {
      throw new RewriteException(key.raw() + ": " + rule + (key.namespaced() ? " removes metadata.namespace of a namespaced object"
          : " gives a cluster-scoped object a metadata.namespace"));
    }
    if (key.resourceInfo() == null) {
      throw new RewriteException(key.raw() + ": " + rule + " renames an object of a resource regshift does not know ("
          + key.keyPath() + "), so it cannot tell its new key");
    }
    return RegistryKey.of(key.prefix(), key.resourceInfo(), key.namespaced() ? namespace : null, name);
  }

  private RewriteException failure(RewriteObject object, Rule rule, String why) {
    return new RewriteException(object.entry().keyString() + ": " + rule.name() + " (" + modifiers.source() + ", line "
        + rule.line() + "): " + why);
  }

  static boolean matches(Rule rule, RegistryKey key, Map<String, Object> obj) {
    Conditions c = rule.conditions();
    String namespace = metadataString(obj, "namespace");
    if (namespace != null && !namespace.isEmpty() && !namespaceMatches(c, namespace)) {
      return false;
    }
    if (!c.groupResource().matches(key.groupResource())) {
      return false;
    }
    if (c.resourceNameRegex() != null) {
      String name = metadataString(obj, "name");
      if (!c.resourceNameRegex().matcher(name == null ? "" : name).find()) {
        return false;
      }
    }
    if (c.labelSelector() != null && !c.labelSelector().matches(labels(obj))) {
      return false;
    }
    if (c.matches() != null) {
      try {
        c.matches().apply(obj, change -> {}); // tests only: the object is not changed
      } catch (JsonPatch.PatchException e) {
        return false;
      }
    }
    return true;
  }

  private static boolean namespaceMatches(Conditions c, String namespace) {
    if (namespace == null || c.namespaces().isEmpty()) {
      return true;
    }
    for (Glob g : c.namespaces()) {
      if (g.matches(namespace)) {
        return true;
      }
    }
    return false;
  }

  private static String metadataString(Map<String, Object> obj, String field) {
    return obj.get("metadata") instanceof Map<?, ?> md && md.get(field) instanceof String s ? s : null;
  }

  private static Map<String, String> labels(Map<String, Object> obj) {
    Map<String, String> out = new java.util.HashMap<>();
    if (obj.get("metadata") instanceof Map<?, ?> md && md.get("labels") instanceof Map<?, ?> l) {
      l.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
    }
    return out;
  }
}
