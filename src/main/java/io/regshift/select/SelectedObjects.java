package io.regshift.select;

import io.regshift.etcd.EntryReader;
import io.regshift.etcd.KeyRange;
import io.regshift.etcd.MvccEntry;
import io.regshift.etcd.ReadView;
import io.regshift.kube.RegistryKey;
import io.regshift.kube.RegistryKeys;
import io.regshift.kube.RegistryPrefix;
import io.regshift.kube.ResourceCatalog;
import io.regshift.kube.StoredObject;
import io.regshift.kube.ValueCodec;
import io.regshift.source.Source;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

/**
 * The objects of a source that a selection keeps, in key order: source, then kube, then select,
 * as every reading command needs them. When nothing narrows the selection, keys are not even
 * parsed; otherwise each object is tested on its key, and only when a rule needs it (labels,
 * --portable) on its metadata, never by a full decode. Excluded objects are counted in the
 * selector's {@link Exclusions}.
 */
public final class SelectedObjects implements AutoCloseable {
  private final EntryReader entries;
  private final String prefix;
  private final ResourceCatalog catalog;
  private final ValueCodec codec;
  private final ObjectSelector selector;
  private final boolean everything;
  private long keysSeen;

  /** Every selected object under the prefix (and outside it with --all-keys), counting exclusions nowhere. */
  public SelectedObjects(Source source, ReadView view, Selection selection, String prefix,
      ResourceCatalog catalog, ValueCodec codec) {
    this(source, view, new ObjectSelector(selection, prefix, catalog, codec, Exclusions.counting()), prefix, catalog,
        codec, null);
  }

  /**
   * @param selector the selection for this run (prepared here for --portable when it is not yet)
   * @param scope    keys this read is about at all (restore reads one tier at a time); keys outside
   *                 it are neither read nor counted as excluded; null for every key
   */
  public SelectedObjects(Source source, ReadView view, ObjectSelector selector, String prefix,
      ResourceCatalog catalog, ValueCodec codec, Predicate<RegistryKey> scope) {
    this(source, view, null, selector, prefix, catalog, codec, scope);
  }

  /**
   * @param within the part of the key space to read (restore reads a live source's tiers by their
   *               stretches of keys); null for the prefix (every key with --all-keys)
   */
  public SelectedObjects(Source source, ReadView view, KeyRange within, ObjectSelector selector, String prefix,
      ResourceCatalog catalog, ValueCodec codec, Predicate<RegistryKey> scope) {
    this.prefix = prefix;
    this.catalog = catalog;
    this.codec = codec;
    this.selector = selector;
    Selection selection = selector.selection();
    this.everything = selection.keepsEverything();
    selector.prepare(source, view);
    KeyRange range = within != null ? within : selection.includesKeysOutsidePrefix() ? KeyRange.all()
        : KeyRange.prefix(RegistryPrefix.keyBase(prefix));
    // The key stage runs on entries, not in this filter: the filter sees every stored revision of
    // a key (tombstones too), so only entries can be counted as excluded objects.
    this.entries = source.read(view, range, key -> {
      keysSeen++;
      return scope == null || scope.test(parse(key));
    });
  }

  /**
   * Keys of the range the source offered, selected or not: none at the end of a read means the
   * range (the prefix) is empty, which usually means a wrong --prefix.
   */
  public long keysSeen() {
    return keysSeen;
  }

  private RegistryKey parse(byte[] key) {
    return RegistryKeys.parse(new String(key, StandardCharsets.UTF_8), prefix, catalog);
  }

  /** The next selected object, or null at the end. */
  public StoredObject next() {
    MvccEntry e = nextEntry();
    return e == null ? null : StoredObject.decode(e, prefix, catalog, codec);
  }

  /** The next selected entry without decoding its value (for raw output and statistics). */
  public MvccEntry nextEntry() {
    for (MvccEntry e = entries.next(); e != null; e = entries.next()) {
      if (everything || selector.keep(e, parse(e.key()))) {
        return e;
      }
    }
    return null;
  }

  /**
   * As {@link #nextEntry}, as a loader any thread may call once (see {@link EntryReader#nextLoader}):
   * where every entry is kept, the copy of its value is left to the caller's pool.
   */
  public java.util.function.Supplier<MvccEntry> nextLoader() {
    if (everything) {
      return entries.nextLoader();
    }
    MvccEntry e = nextEntry();
    return e == null ? null : () -> e;
  }

  public Exclusions exclusions() {
    return selector.exclusions();
  }

  @Override
  public void close() {
    entries.close();
  }
}
