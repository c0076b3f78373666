package io.regshift.kube;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * kube-apiserver's protobuf storage envelope: the magic {@code k8s\0}, then a runtime.Unknown
 * holding TypeMeta (apiVersion, kind), the object's bytes, and two empty strings.
 */
public record Envelope(String apiVersion, String kind, byte[] buf, int rawOffset, int rawLength,
    String contentEncoding, String contentType) {

  public static final byte[] MAGIC = {'k', '8', 's', 0};

  public static boolean hasMagic(byte[] value) {
    return value.length >= 4 && value[0] == 'k' && value[1] == '8' && value[2] == 's' && value[3] == 0;
  }

  /**
   * Reads the envelope around a stored value.
   *
   * @throws IllegalArgumentException saying what is wrong with the bytes
   */
  public static Envelope parse(byte[] value) {
    if (!hasMagic(value)) {
      throw new IllegalArgumentException("no protobuf envelope: the value does not start with k8s\\0");
    }
    Reader r = new Reader(value, 4, value.length);
    String apiVersion = "";
    String kind = "";
    int rawOff = -1;
    int rawLen = 0;
    String encoding = "";
    String contentType = "";
    while (r.pos < r.end) {
      long tag = r.varint();
      int number = (int) (tag >>> 3);
      int wt = (int) (tag & 7);
      if (wt != 2) {
        throw new IllegalArgumentException("corrupt envelope: unexpected wire type " + wt + " at byte " + (r.pos - 1));
      }
      int end = r.delimitedEnd();
      switch (number) {
        case 1 -> {
          Reader t = new Reader(value, r.pos, end);
          while (t.pos < t.end) {
            long tt = t.varint();
            if ((tt & 7) != 2) {
              throw new IllegalArgumentException("corrupt envelope: bad TypeMeta at byte " + t.pos);
            }
            int te = t.delimitedEnd();
            String s = new String(value, t.pos, te - t.pos, StandardCharsets.UTF_8);
            if ((tt >>> 3) == 1) {
              apiVersion = s;
            } else if ((tt >>> 3) == 2) {
              kind = s;
            }
            t.pos = te;
          }
        }
        case 2 -> {
          rawOff = r.pos;
          rawLen = end - r.pos;
        }
        case 3 -> encoding = new String(value, r.pos, end - r.pos, StandardCharsets.UTF_8);
        case 4 -> contentType = new String(value, r.pos, end - r.pos, StandardCharsets.UTF_8);
        default -> { }
      }
      r.pos = end;
    }
    if (rawOff < 0) {
      throw new IllegalArgumentException("corrupt envelope: no object bytes (field 2 of runtime.Unknown)");
    }
    return new Envelope(apiVersion, kind, value, rawOff, rawLen, encoding, contentType);
  }

  /** The bytes kube-apiserver writes: {@code 0a L [0a L apiVersion 12 L kind] 12 L raw 1a 00 22 00}. */
  public static byte[] wrap(String apiVersion, String kind, byte[] raw) {
    ByteArrayOutputStream typeMeta = new ByteArrayOutputStream();
    delimited(typeMeta, 1, apiVersion.getBytes(StandardCharsets.UTF_8));
    delimited(typeMeta, 2, kind.getBytes(StandardCharsets.UTF_8));
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length + 64);
    out.writeBytes(MAGIC);
    delimited(out, 1, typeMeta.toByteArray());
    delimited(out, 2, raw);
    delimited(out, 3, new byte[0]);
    delimited(out, 4, new byte[0]);
    return out.toByteArray();
  }

  private static void delimited(ByteArrayOutputStream out, int number, byte[] b) {
    varint(out, (number << 3) | 2);
    varint(out, b.length);
    out.writeBytes(b);
  }

  private static void varint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7fL) != 0) {
      out.write((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  /** Minimal bounds-checked reader: the envelope is parsed before any schema is involved. */
  private static final class Reader {
    final byte[] b;
    int pos;
    final int end;

    Reader(byte[] b, int pos, int end) {
      this.b = b;
      this.pos = pos;
      this.end = end;
    }

    long varint() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= end) {
          throw new IllegalArgumentException("truncated envelope at byte " + pos);
        }
        byte x = b[pos++];
        v |= (long) (x & 0x7f) << shift;
        if (x >= 0) {
          return v;
        }
      }
      throw new IllegalArgumentException("corrupt envelope: bad varint at byte " + pos);
    }

    int delimitedEnd() {
      long len = varint();
      if (len < 0 || len > end - pos) {
        throw new IllegalArgumentException("truncated envelope: a field of " + len + " bytes at byte " + pos
            + " runs past the end of the value (" + (end - pos) + " bytes left)");
      }
      return pos + (int) len;
    }
  }
}
