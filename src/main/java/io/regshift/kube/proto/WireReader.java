package io.regshift.kube.proto;

/** Reads protobuf wire format from a byte range; every read is bounds-checked. */
final class WireReader {
  final byte[] buf;
  int pos;
  final int end;

  WireReader(byte[] buf, int off, int end) {
    this.buf = buf;
    this.pos = off;
    this.end = end;
  }

  boolean atEnd() {
    return pos >= end;
  }

  long varint() {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= end) {
        throw new ProtoException("truncated varint at byte " + pos);
      }
      byte b = buf[pos++];
      result |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        return result;
      }
    }
    throw new ProtoException("malformed varint at byte " + pos);
  }

  long fixed64() {
    need(8);
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (buf[pos + i] & 0xffL);
    }
    pos += 8;
    return v;
  }

  int fixed32() {
    need(4);
    int v = (buf[pos] & 0xff) | (buf[pos + 1] & 0xff) << 8 | (buf[pos + 2] & 0xff) << 16 | (buf[pos + 3] & 0xff) << 24;
    pos += 4;
    return v;
  }

  /** Reads a length prefix and returns the end offset of the delimited bytes, which start at {@link #pos}. */
  int delimitedEnd() {
    long len = varint();
    if (len < 0 || len > end - pos) {
      throw new ProtoException("length " + len + " at byte " + pos + " runs past the end (" + (end - pos) + " bytes left)");
    }
    return pos + (int) len;
  }

  /**
   * The range {@code [start, end)} of the last length-delimited field {@code number} in
   * {@code buf[off, end)} (protobuf: the last one wins), or null when there is none. The decoder and
   * the string scan both find embedded JSON (RawExtension, fieldsV1) with it, so they agree on it.
   */
  static int[] lastDelimited(byte[] buf, int off, int end, int number) {
    WireReader r = new WireReader(buf, off, end);
    int[] range = null;
    while (!r.atEnd()) {
      long tag = r.varint();
      int wireType = (int) (tag & 7);
      if ((tag >>> 3) == number && wireType == 2) {
        int e = r.delimitedEnd();
        range = new int[] {r.pos, e};
        r.pos = e;
      } else {
        r.skip(wireType);
      }
    }
    return range;
  }

  /** Skips a value of the given wire type. */
  void skip(int wireType) {
    switch (wireType) {
      case 0 -> varint();
      case 1 -> { need(8); pos += 8; }
      case 2 -> pos = delimitedEnd();
      case 5 -> { need(4); pos += 4; }
      case 3 -> skipGroup();
      default -> throw new ProtoException("invalid wire type " + wireType + " at byte " + pos);
    }
  }

  private void skipGroup() {
    while (true) {
      if (atEnd()) {
        throw new ProtoException("unterminated group at byte " + pos);
      }
      long tag = varint();
      int wt = (int) (tag & 7);
      if (wt == 4) {
        return;
      }
      skip(wt);
    }
  }

  private void need(int n) {
    if (end - pos < n) {
      throw new ProtoException("truncated value at byte " + pos);
    }
  }
}
