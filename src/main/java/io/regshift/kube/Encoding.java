package io.regshift.kube;

/** The forms a value under /registry can take. */
public enum Encoding {
  PROTOBUF, JSON, CBOR, ENCRYPTED, RAW;

  /** Recognises the form from the first bytes, as kube-apiserver's decoders do. */
  public static Encoding sniff(byte[] v) {
    return sniff(v, 0, v.length);
  }

  /** {@link #sniff(byte[])} of {@code v[off, off+len)}, without copying it. */
  public static Encoding sniff(byte[] v, int off, int len) {
    if (len >= 4 && v[off] == 'k' && v[off + 1] == '8' && v[off + 2] == 's' && v[off + 3] == 0) {
      return PROTOBUF; // Envelope.hasMagic
    }
    if (startsWith(v, off, len, ENCRYPTED_PREFIX)) {
      return ENCRYPTED;
    }
    if (len >= 3 && (v[off] & 0xff) == 0xd9 && (v[off + 1] & 0xff) == 0xd9 && (v[off + 2] & 0xff) == 0xf7) {
      return CBOR;
    }
    for (int i = off; i < off + len; i++) {
      byte b = v[i];
      if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
        continue;
      }
      return b == '{' ? JSON : RAW;
    }
    return RAW;
  }

  private static final byte[] ENCRYPTED_PREFIX = "k8s:enc:".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private static boolean startsWith(byte[] v, int off, int len, byte[] p) {
    if (len < p.length) {
      return false;
    }
    for (int i = 0; i < p.length; i++) {
      if (v[off + i] != p[i]) {
        return false;
      }
    }
    return true;
  }

  public String label() {
    return name().toLowerCase();
  }
}
