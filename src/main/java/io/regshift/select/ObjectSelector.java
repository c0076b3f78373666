package io.regshift.select;

import io.regshift.etcd.EntryReader;
import io.regshift.etcd.KeyRange;
import io.regshift.etcd.MvccEntry;
import io.regshift.etcd.ReadView;
import io.regshift.kube.ObjectHead;
import io.regshift.kube.RegistryKey;
import io.regshift.kube.RegistryKeys;
import io.regshift.kube.RegistryPrefix;
import io.regshift.kube.ResourceCatalog;
import io.regshift.kube.ValueCodec;
import io.regshift.source.LiveSource;
import io.regshift.source.Source;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * A {@link Selection} applied to the entries of one source for one command run: the key stage,
 * the value stage on {@link ObjectHead} (decrypting with the codec when it can), and for
 * --portable the first pass that finds the selected controllers. Every exclusion goes to
 * {@link Exclusions}. Memory: one uid per selected controller, nothing per other object.
 */
public final class ObjectSelector {
  private final Selection selection;
  private final String prefix;
  private final ResourceCatalog catalog;
  private final ValueCodec codec;
  private final Exclusions exclusions;
  private Set<String> controllers;

  public ObjectSelector(Selection selection, String prefix, ResourceCatalog catalog, ValueCodec codec,
      Exclusions exclusions) {
    this.selection = selection;
    this.prefix = prefix;
    this.catalog = catalog;
    this.codec = codec;
    this.exclusions = exclusions;
  }

  /** The same selection and first-pass result, counting into other exclusions (a second pass). */
  public ObjectSelector with(Exclusions other) {
    ObjectSelector s = new ObjectSelector(selection, prefix, catalog, codec, other);
    s.controllers = controllers;
    return s;
  }

  public Selection selection() {
    return selection;
  }

  public Exclusions exclusions() {
    return exclusions;
  }

  /**
   * --portable's first pass, once: the uids of the controllers the selection keeps (labels
   * included), so that the pods and ReplicaSets they own are left out. Nothing without --portable.
   */
  public void prepare(Source source, ReadView view) {
    if (controllers != null) {
      return;
    }
    controllers = new HashSet<>();
    if (!selection.portable()) {
      return;
    }
    String base = RegistryPrefix.keyBase(prefix);
    if (source instanceof LiveSource) {
      // a live etcd sends values with keys: read the controllers' own ranges only
      for (String path : Selection.controllerKeyPaths()) {
        collect(source.read(view, KeyRange.prefix(base + path + "/"), key -> true));
      }
    } else {
      // a file is scanned whole by every read: one pass, keeping the controllers' keys
      collect(source.read(view, KeyRange.prefix(base), key -> selection.isController(parse(key))));
    }
  }

  private void collect(EntryReader entries) {
    try (entries) {
      for (MvccEntry e = entries.next(); e != null; e = entries.next()) {
        RegistryKey k = parse(e.key());
        if (!selection.isController(k) || selection.excludedByKey(k) != null) {
          continue;
        }
        try {
          ObjectHead head = ObjectHead.read(e.keyString(), e.value(), codec);
          if (selection.excludedByLabels(head) == null && !head.uid().isEmpty()) {
            controllers.add(head.uid());
          }
        } catch (IllegalArgumentException unreadable) {
          // its uid is unknown: what it owns stays (and is reported when it cannot be read either)
        }
      }
    }
  }

  /** True when the key alone does not exclude it (for the source's key filter: nothing is counted). */
  public boolean mayKeep(RegistryKey key) {
    return selection.excludedByKey(key) == null;
  }

  /**
   * Whether the entry is selected; when not, the exclusion is counted (and explained).
   *
   * @param key the entry's key, parsed
   */
  public boolean keep(MvccEntry entry, RegistryKey key) {
    String rule = selection.excludedByKey(key);
    if (rule == null && selection.needsHead(key)) {
      if (controllers == null) {
        throw new IllegalStateException("prepare() the selector before reading with --portable");
      }
      ObjectHead head;
      try {
        head = ObjectHead.read(entry.keyString(), entry.value(), codec);
      } catch (IllegalArgumentException unreadable) {
        rule = selection.excludedUnread();
        if (rule == null) {
          exclusions.keepUnchecked(key.raw(), Selection.RULE_PORTABLE_UNREADABLE, unreadable.getMessage());
          return true;
        }
        exclusions.exclude(key.raw(), rule, unreadable.getMessage());
        return false;
      }
      rule = selection.excludedByHead(key, head, controllers);
    }
    if (rule != null) {
      exclusions.exclude(key.raw(), rule, null);
      return false;
    }
    return true;
  }

  RegistryKey parse(byte[] key) {
    return RegistryKeys.parse(new String(key, StandardCharsets.UTF_8), prefix, catalog);
  }
}
