package io.regshift.bolt;

/**
 * Forward iteration over a bucket's entries in key order, sub-bucket entries included. Not
 * thread-safe: use one per thread. The accessors describe the entry the last {@link #next()}
 * moved to.
 */
public interface Cursor {

    /** Moves to the next entry (the first, on the first call); false at the end. */
    boolean next();

    /** A copy of the key. */
    byte[] key();

    /** A copy of the value; for a sub-bucket entry, its raw bucket value (header and any inline page). */
    byte[] value();

    boolean isBucket();

    /** Absolute file offset of the value, to re-read later with {@link BoltFile#read}. */
    long valueOffset();

    int valueLength();

    int keyLength();

    /**
     * Copies the key into {@code dst} at 0 when it fits, allocating nothing; returns the key
     * length either way (when it is larger than {@code dst}, nothing was copied).
     */
    int key(byte[] dst);

    /**
     * Hands the value to {@code sink} without copying it where the node is in memory (a hash or a
     * parse that looks at every value need not allocate one array per entry). The array is only
     * valid during the call.
     */
    void value(ValueSink sink);

    /** Receives a value as a slice of an array it must not keep. */
    @FunctionalInterface
    interface ValueSink {
        void accept(byte[] array, int offset, int length);
    }
}
