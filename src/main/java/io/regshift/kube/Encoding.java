package io.regshift.kube;

/** The forms a value under /registry can take. */
public enum Encoding {
  PROTOBUF, JSON, CBOR, ENCRYPTED, RAW;

  /** Recognises the form from the first bytes, as kube-apiserver's decoders do. */
  public static Encoding sniff(byte[] v) {
    if (Envelope.hasMagic(v)) {
      return PROTOBUF;
    }
    if (startsWith(v, ENCRYPTED_PREFIX)) {
      return ENCRYPTED;
    }
    if (v.length >= 3 && (v[0] & 0xff) == 0xd9 && (v[1] & 0xff) == 0xd9 && (v[2] & 0xff) == 0xf7) {
      return CBOR;
    }
    for (byte b : v) {
      if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
        continue;
      }
      return b == '{' ? JSON : RAW;
    }
    return RAW;
  }

  private static final byte[] ENCRYPTED_PREFIX = "k8s:enc:".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private static boolean startsWith(byte[] v, byte[] p) {
    if (v.length < p.length) {
      return false;
    }
    for (int i = 0; i < p.length; i++) {
      if (v[i] != p[i]) {
        return false;
      }
    }
    return true;
  }

  public String label() {
    return name().toLowerCase();
  }
}
