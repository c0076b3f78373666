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

/**
 * The objects of a source that a selection keeps, decoded, in key order: source, then kube,
 * then select, as every reading command needs them. Keys are tested before any value is read.
 */
public final class SelectedObjects implements AutoCloseable {
  private final EntryReader entries;
  private final String prefix;
  private long keysSeen;
  private final ResourceCatalog catalog;
  private final ValueCodec codec;

  public SelectedObjects(Source source, ReadView view, Selection selection, String prefix,
      ResourceCatalog catalog, ValueCodec codec) {
    this(source, view, selection, null, prefix, catalog, codec);
  }

  /**
   * @param also a further test of each selected key (null for none), e.g. one restore tier for a
   *             pass that writes the objects in the order kubectl apply needs them
   */
  public SelectedObjects(Source source, ReadView view, Selection selection, java.util.function.Predicate<RegistryKey> also,
      String prefix, ResourceCatalog catalog, ValueCodec codec) {
    this.prefix = prefix;
    this.catalog = catalog;
    this.codec = codec;
    KeyRange range = selection.includesKeysOutsidePrefix() ? KeyRange.all()
        : KeyRange.prefix(RegistryPrefix.keyBase(prefix));
    boolean everything = selection.keepsEverything();
    this.entries = source.read(view, range, key -> {
      keysSeen++;
      if (everything && also == null) {
        return true;
      }
      RegistryKey k = parse(key);
      return (everything || selection.matches(k)) && (also == null || also.test(k));
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
    MvccEntry e = entries.next();
    return e == null ? null : StoredObject.decode(e, prefix, catalog, codec);
  }

  /** The next entry without decoding its value (for raw output and statistics). */
  public MvccEntry nextEntry() {
    return entries.next();
  }

  @Override
  public void close() {
    entries.close();
  }
}
