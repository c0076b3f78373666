package io.regshift.etcd;

/** A stream of entries in key order (and revision order within a key); pull, then close. */
public interface EntryReader extends AutoCloseable {

  /** The next entry, or null at the end. */
  MvccEntry next();

  /**
   * The next entry as a loader that any thread may call once, or null at the end: a reader whose
   * costly part (copying the value out of a file) can wait says where the entry is here and leaves
   * that part to the loader, so that a pool reads values on every core. Otherwise the entry itself.
   */
  default java.util.function.Supplier<MvccEntry> nextLoader() {
    MvccEntry e = next();
    return e == null ? null : () -> e;
  }

  @Override
  void close();
}
