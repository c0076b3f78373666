package io.regshift.etcd;

/** A stream of key-bucket records in revision order (the order etcd stores them); pull, then close. */
public interface RevisionReader extends AutoCloseable {

  /** The next record, or null at the end. */
  RevisionEntry next();

  /**
   * The next record as a load that any thread may run once, or null at the end: a reader whose
   * costly part (copying the value out of a file) can wait says where the record is here and
   * leaves that part to the load (see {@link EntryReader#nextLoader}). Otherwise the record itself.
   */
  default Load nextLoad() {
    RevisionEntry r = next();
    return r == null ? null : new Load() {
      @Override
      public RevisionEntry get() {
        return r;
      }

      @Override
      public int size() {
        return r.entry().value().length;
      }
    };
  }

  /** A record to read. */
  interface Load extends java.util.function.Supplier<RevisionEntry> {
    /** About how many bytes the record holds (to weigh work in flight). */
    int size();
  }

  @Override
  void close();
}
