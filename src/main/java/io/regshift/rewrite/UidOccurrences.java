package io.regshift.rewrite;

/**
 * Counts the selected uids in a value's stored bytes. Every string of a decoded object is a run of
 * those bytes (protobuf, JSON and CBOR keep strings as they are), so the count bounds how many
 * uid strings the tree can hold, and --new-uids can stop walking the tree once it has rewritten
 * that many: for most objects that is after the metadata, not after every field. The one way a
 * tree string is not in the bytes verbatim is a JSON escape (a backslash, then u, then four hex digits); a value with
 * one gets no bound.
 *
 * <p>The scan looks at every other byte only: a uid's four dashes sit at offsets 8, 13, 18 and
 * 23, so two of them are at even positions, and of a backslash and the u after it, one is.
 */
final class UidOccurrences {
  private UidOccurrences() {}

  /** No bound: the value holds a JSON escape, or uids that are not UUIDs are selected. */
  static final int UNBOUNDED = Integer.MAX_VALUE;

  /** How many selected uids {@code value} holds, or {@link #UNBOUNDED}. */
  static int count(byte[] value, UidSet uids) {
    if (uids.hasOther()) {
      return UNBOUNDED;
    }
    int n = value.length;
    int count = 0;
    for (int i = 0; i < n; i += 2) {
      byte b = value[i];
      if (b == '\\') {
        if (i + 1 < n && value[i + 1] == 'u') {
          return UNBOUNDED;
        }
      } else if (b == 'u') {
        if (i > 0 && value[i - 1] == '\\') {
          return UNBOUNDED;
        }
      } else if (b == '-') {
        int start = uuidAround(value, i);
        if (start >= 0) {
          if (uids.contains(value, start)) {
            count++;
          }
          i = (start + 36) & ~1; // past it, on an even position (the loop adds 2 and may skip one byte: a dash or hex)
          i -= 2;
        }
      }
    }
    return count;
  }

  /** The start of the lowercase UUID one of whose dashes is at {@code dash}, or -1. */
  private static int uuidAround(byte[] v, int dash) {
    for (int offset : DASHES) {
      int s = dash - offset;
      if (s >= 0 && s + 36 <= v.length && v[s + 8] == '-' && v[s + 13] == '-' && v[s + 18] == '-' && v[s + 23] == '-'
          && UidSet.parse(v, s) != null) {
        return s;
      }
    }
    return -1;
  }

  private static final int[] DASHES = {8, 13, 18, 23};
}
