package io.regshift.rewrite;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * --clean (manifests only): strips what the cluster an object was read from wrote into it and
 * what {@code kubectl apply} on a new cluster must not see: metadata.uid, resourceVersion,
 * selfLink, creationTimestamp, generation, managedFields, deletionTimestamp,
 * deletionGracePeriodSeconds, ownerReferences, and status; {@code --clean=all} also the
 * kubectl.kubernetes.io/last-applied-configuration annotation (the new cluster's apply writes its
 * own). An annotations map left empty goes too. ownerReferences name the old cluster's uids:
 * applied as they are, the new cluster's garbage collector finds no owner with that uid and
 * deletes the object; without them, controllers adopt their objects again by selector.
 */
public final class CleanRule implements RewriteRule {
  public static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  /** The metadata fields the server owns, in the order they are reported. */
  static final List<String> SERVER_METADATA = List.of("uid", "resourceVersion", "selfLink", "creationTimestamp", "generation",
      "managedFields", "deletionTimestamp", "deletionGracePeriodSeconds", "ownerReferences");

  public enum Level {
    /** --clean: server-owned fields and status. */
    SERVER_FIELDS,
    /** --clean=all: also the last-applied-configuration annotation. */
    ALL;

    /**
     * The level a --clean argument names: none (the flag alone) or "all".
     *
     * @throws IllegalArgumentException for anything else
     */
    public static Level parse(String arg) {
      if (arg == null || arg.isEmpty()) {
        return SERVER_FIELDS;
      }
      if (arg.equals("all")) {
        return ALL;
      }
      throw new IllegalArgumentException("--clean=" + arg + ": say --clean, or --clean=all to drop the "
          + LAST_APPLIED + " annotation too");
    }
  }

  private final Level level;

  public CleanRule(Level level) {
    this.level = level;
  }

  @Override
  public String name() {
    return "clean";
  }

  @Override
  public void apply(RewriteObject object) {
    if (object.object() != null) {
      clean(object.object(), level, c -> object.changed(name(), c.path(), c.oldValue(), null));
    }
  }

  /** Strips the fields from {@code obj} in place, reporting each one removed. */
  @SuppressWarnings("unchecked")
  public static void clean(Map<String, Object> obj, Level level, Consumer<FieldChange> removed) {
    if (obj.get("metadata") instanceof Map<?, ?> m) {
      Map<String, Object> md = (Map<String, Object>) m;
      for (String f : SERVER_METADATA) {
        if (md.containsKey(f)) {
          removed.accept(new FieldChange("metadata." + f, md.remove(f), null));
        }
      }
      if (level == Level.ALL && md.get("annotations") instanceof Map<?, ?> a) {
        if (a.containsKey(LAST_APPLIED)) {
          removed.accept(new FieldChange("metadata.annotations[\"" + LAST_APPLIED + "\"]", a.remove(LAST_APPLIED), null));
        }
        if (a.isEmpty()) {
          md.remove("annotations");
        }
      }
    }
    if (obj.containsKey("status")) {
      removed.accept(new FieldChange("status", obj.remove("status"), null));
    }
  }
}
