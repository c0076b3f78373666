package io.regshift.kube.proto;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Appends protobuf wire format to a growing buffer. */
final class WireWriter {
  private byte[] buf = new byte[256];
  private int len;

  void tag(int number, int wireType) {
    varint(((long) number << 3) | wireType);
  }

  void varint(long v) {
    ensure(10);
    while ((v & ~0x7fL) != 0) {
      buf[len++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    buf[len++] = (byte) v;
  }

  void fixed64(long v) {
    ensure(8);
    for (int i = 0; i < 8; i++) {
      buf[len++] = (byte) (v >>> (8 * i));
    }
  }

  void fixed32(int v) {
    ensure(4);
    for (int i = 0; i < 4; i++) {
      buf[len++] = (byte) (v >>> (8 * i));
    }
  }

  void bytes(byte[] b) {
    bytes(b, 0, b.length);
  }

  void bytes(byte[] b, int off, int n) {
    varint(n);
    raw(b, off, n);
  }

  void string(String s) {
    bytes(s.getBytes(StandardCharsets.UTF_8));
  }

  void raw(byte[] b, int off, int n) {
    ensure(n);
    System.arraycopy(b, off, buf, len, n);
    len += n;
  }

  void delimited(WireWriter inner) {
    bytes(inner.buf, 0, inner.len);
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, len);
  }

  private void ensure(int n) {
    if (len + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }
  }
}
